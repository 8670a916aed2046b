/// Parsing and printing of limit values as users write them (`64M`, `30s`).
///
/// Lives next to the limits so messages echo the user's units back (`memory limit of 64 MiB`).
public enum LimitSyntax {
    /// `512K`, `64M`, `1G` (binary multiples, optional `B`/`iB`), or plain bytes; nil if invalid.
    public static func parseBytes(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: " ").uppercased()
        if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
        var multiplier = 1
        switch digits.last {
        case "K": multiplier = 1 << 10
        case "M": multiplier = 1 << 20
        case "G": multiplier = 1 << 30
        default: break
        }
        if multiplier != 1 { digits.removeLast() }
        guard let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    /// The longest duration ``parseDuration(_:)`` accepts: a year. Longer values are mistakes
    /// (`2100000h` is 240 years), and deadlines computed from them overflow dates and clocks.
    public static let maxDuration: Duration = .seconds(365 * 24 * 3600)

    /// `500ms`, `30s`, `5m`, `1h`, or plain seconds, at most ``maxDuration``; nil if invalid.
    public static func parseDuration(_ text: String) -> Duration? {
        guard let duration = parseUnboundedDuration(text), duration <= maxDuration else { return nil }
        return duration
    }

    private static func parseUnboundedDuration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: " ").lowercased()
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, millis) in units where t.hasSuffix(suffix) {
            let number = String(t.dropLast(suffix.count))
            if suffix == "s", number.hasSuffix("m") { continue }
            guard let value = Int64(number), value > 0, value < Int64.max / millis / 1000 else { return nil }
            return .milliseconds(value * millis)
        }
        guard let seconds = Int64(t), seconds > 0, seconds < Int64.max / 1000 else { return nil }
        return .seconds(seconds)
    }

    /// `64 MiB`, `1 GiB`, `512 KiB`, or `1000 bytes`.
    public static func formatBytes(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return "\(bytes) bytes"
    }

    /// `30s`, `5m`, `1h`, `500ms`.
    public static func formatDuration(_ duration: Duration) -> String {
        let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000)] where millis >= size && millis % size == 0 {
            return "\(millis / size)\(unit)"
        }
        return "\(millis)ms"
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
