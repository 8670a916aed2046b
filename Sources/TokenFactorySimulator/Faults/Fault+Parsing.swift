extension Fault {
    /// A fault line that could not be understood; `description` says what is wrong and shows the syntax.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String {
            "\(message). Syntax: METHOD PATH ACTION [times=N] [retry-after=S], e.g. \"GET /v0/dedicated_endpoints 503 times=2\"; actions: latency=250ms, 429, 500, 502, 503, 504, status=N, drop, malformed, truncated, large=8MB"
        }
    }

    /// Parses the one-line form (see ``Fault``).
    public init(parsing line: String) throws(ParseError) {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count >= 3 else { throw ParseError(message: "fault \"\(line)\" needs at least METHOD PATH ACTION") }
        let method = words[0] == "*" ? nil : words[0].uppercased()
        if let method, !["GET", "POST", "PATCH", "DELETE", "PUT"].contains(method) {
            throw ParseError(message: "fault \"\(line)\": unknown method \(words[0])")
        }
        guard words[1].hasPrefix("/") || words[1] == "*" else {
            throw ParseError(message: "fault \"\(line)\": path must start with /")
        }
        let path = words[1] == "*" ? "/**" : words[1]
        var action: Action?
        var times: Int?
        var retryAfter: String?
        for word in words.dropFirst(2) {
            let (key, value) = Self.split(word)
            switch key {
            case "times":
                guard let value, let count = Int(value), count > 0 else { throw ParseError(message: "fault \"\(line)\": times must be a positive integer") }
                times = count
            case "retry-after":
                guard let value, !value.isEmpty else { throw ParseError(message: "fault \"\(line)\": retry-after needs a value") }
                retryAfter = value
            case "latency":
                guard let value, let duration = Self.duration(value) else { throw ParseError(message: "fault \"\(line)\": latency needs a duration like 250ms or 2s") }
                action = .latency(duration)
            case "status":
                guard let value, let code = Int(value), (100...599).contains(code) else { throw ParseError(message: "fault \"\(line)\": status needs an HTTP status code") }
                action = .status(code, retryAfter: nil)
            case "drop": action = .drop
            case "malformed": action = .malformed
            case "truncated": action = .truncated
            case "large":
                guard let value, let bytes = Self.size(value) else { throw ParseError(message: "fault \"\(line)\": large needs a size like 8MB") }
                action = .large(bytes: bytes)
            default:
                if let code = Int(key), (100...599).contains(code), value == nil {
                    action = .status(code, retryAfter: nil)
                } else {
                    throw ParseError(message: "fault \"\(line)\": unknown word \(word)")
                }
            }
        }
        guard var action else { throw ParseError(message: "fault \"\(line)\" has no action") }
        if case .status(let code, _) = action {
            action = .status(code, retryAfter: retryAfter ?? (code == 429 ? "1" : nil))
        }
        self.init(method: method, path: path, action: action, times: times)
    }

    private static func split(_ word: String) -> (String, String?) {
        guard let equals = word.firstIndex(of: "=") else { return (word.lowercased(), nil) }
        return (word[..<equals].lowercased(), String(word[word.index(after: equals)...]))
    }

    /// `250ms`, `2s`, `1.5s`, or a bare number of milliseconds.
    public static func duration(_ text: String) -> Duration? {
        let lower = text.lowercased()
        if lower.hasSuffix("ms"), let value = Double(lower.dropLast(2)), value >= 0 { return .milliseconds(Int64(value)) }
        if lower.hasSuffix("s"), let value = Double(lower.dropLast()), value >= 0 { return .milliseconds(Int64(value * 1000)) }
        if let value = Double(lower), value >= 0 { return .milliseconds(Int64(value)) }
        return nil
    }

    static func size(_ text: String) -> Int? {
        let upper = text.uppercased()
        for (suffix, factor) in [("KB", 1 << 10), ("MB", 1 << 20), ("K", 1 << 10), ("M", 1 << 20), ("B", 1)] where upper.hasSuffix(suffix) {
            guard let value = Int(upper.dropLast(suffix.count)), value >= 0 else { return nil }
            return value * factor
        }
        return Int(upper).flatMap { $0 >= 0 ? $0 : nil }
    }
}
