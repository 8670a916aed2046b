internal import Foundation

/// Parses a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
enum RetryAfter {
    /// The delay the header asks for, or nil when it is absent or unreadable. Negative delays
    /// (a date in the past) become zero; huge ones (`1e300`, a date in year 9999) are clamped to
    /// ``SafeNumbers/maximumSeconds`` instead of trapping. Fractional seconds are accepted,
    /// although not standard.
    static func delay(from header: String?, now: Date = Date()) -> Duration? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Double(header), !seconds.isNaN {
            return SafeNumbers.duration(seconds: seconds)
        }
        guard let date = httpDate(header) else { return nil }
        return SafeNumbers.duration(seconds: date.timeIntervalSince(now))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form servers must send.
    static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT",
              let day = Int(parts[1]),
              let month = months.firstIndex(of: parts[2].lowercased()),
              let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        // Ranges checked before Foundation sees them: a year of 10^15 must not reach Calendar.
        guard clock.count == 3, (1...31).contains(day), (1...9999).contains(year),
              (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "GMT")
        (components.year, components.month, components.day) = (year, month + 1, day)
        (components.hour, components.minute, components.second) = (clock[0], clock[1], clock[2])
        return components.date
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
}
