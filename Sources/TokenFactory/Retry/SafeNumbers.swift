/// Conversions of numbers that may come from a server (or a huge configuration value) into
/// integers and durations without trapping.
///
/// `Int64(1e16 * 1000)` traps (SIGILL) on overflow: `Retry-After: 1e300` once ended the whole
/// process (issue 10, item 5). Every server-supplied number goes through here, clamped first.
enum SafeNumbers {
    /// The longest wait the client represents: about 31 years. Larger requests are clamped to it,
    /// which still exceeds every call budget, so the call fails and names the wait.
    static let maximumSeconds: Double = 1e9

    /// A non-negative, finite duration of `seconds` (NaN and negatives become zero).
    static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return seconds == .infinity ? .seconds(Int64(maximumSeconds)) : .zero }
        let clamped = min(seconds, maximumSeconds)
        return .milliseconds(Int64((clamped * 1000).rounded(.down)))
    }

    /// `duration` as a Double of seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `duration` in nanoseconds, clamped to what an `Int64` holds (negatives become zero).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : sum
    }

    /// A `Content-Length` header as a byte count: nil when absent or not a plain decimal
    /// integer, `Int.max` when it is a decimal integer too large to hold.
    static func contentLength(_ header: String?) -> Int? {
        guard let header = header?.trimmingCharacters(in: " \t"), !header.isEmpty, header.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(header) ?? .max
    }

    /// "400 s", "1.5 s", "250 ms": a wait as people read it.
    static func describe(_ duration: Duration) -> String {
        let seconds = seconds(duration)
        guard seconds < maximumSeconds else { return "more than \(Int64(maximumSeconds)) s" }
        if seconds < 1 { return "\(Int64((seconds * 1000).rounded())) ms" }
        if seconds == seconds.rounded() { return "\(Int64(seconds)) s" }
        return "\((seconds * 10).rounded() / 10) s"
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
