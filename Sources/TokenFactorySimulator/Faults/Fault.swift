/// One injected misbehaviour for requests matching a method and path pattern.
///
/// Written as one line, used identically by `tfscript simulator --fault` and by the control
/// route `POST /_simulator/faults`:
///
///     METHOD PATH ACTION [times=N] [retry-after=SECONDS]
///
/// - `METHOD`: `GET`, `POST`, `PATCH`, `DELETE` or `*`.
/// - `PATH`: a path where `*` matches one segment and a trailing `**` any rest
///   (`/v0/dedicated_endpoints/*`, `/**`).
/// - `ACTION`: `latency=250ms` (or `2s`; adds delay, then the request proceeds), a status code
///   such as `503` or `status=429` (answered without touching state), `drop` (the request is
///   processed, then the connection closes halfway through the response), `malformed` (processed,
///   answered with invalid JSON), `truncated` (processed, answered with the first half of the
///   JSON and a matching Content-Length), `large=8MB` (processed, response padded with an extra
///   `_padding` field of that size).
/// - `times=N`: only the next N matching requests (default: all).
/// - `retry-after=S`: the `Retry-After` header sent with a status (default 1 for 429).
public struct Fault: Sendable, Hashable, CustomStringConvertible {
    /// What the fault does.
    public enum Action: Sendable, Hashable {
        case latency(Duration)
        case status(Int, retryAfter: String?)
        case drop
        case malformed
        case truncated
        case large(bytes: Int)
    }

    /// HTTP method to match, or nil for any.
    public var method: String?
    /// Path pattern to match (see the type documentation).
    public var path: String
    public var action: Action
    /// How many more matching requests this fault applies to; nil for unlimited.
    public var remaining: Int?

    public init(method: String? = nil, path: String = "/**", action: Action, times: Int? = nil) {
        self.method = method?.uppercased()
        self.path = path
        self.action = action
        self.remaining = times
    }

    /// Whether this fault adds delay but lets the request continue.
    var isLatency: Bool {
        if case .latency = action { return true }
        return false
    }

    /// Whether the fault lets the handler run and then spoils its response.
    var spoilsResponse: Bool {
        switch action {
        case .drop, .malformed, .truncated, .large: true
        default: false
        }
    }

    func matches(method: String, path: String) -> Bool {
        if let required = self.method, required != method.uppercased() { return false }
        return Self.match(pattern: self.path.split(separator: "/"), path: path.split(separator: "/"))
    }

    private static func match(pattern: [Substring], path: [Substring]) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" { return true }
        guard let segment = path.first else { return false }
        guard first == "*" || first == segment else { return false }
        return match(pattern: Array(pattern.dropFirst()), path: Array(path.dropFirst()))
    }

    /// The one-line form accepted by ``init(parsing:)``.
    public var description: String {
        var parts = [method ?? "*", path]
        switch action {
        case .latency(let duration): parts.append("latency=\(Self.milliseconds(duration))ms")
        case .status(let code, let retryAfter):
            parts.append(String(code))
            if let retryAfter { parts.append("retry-after=\(retryAfter)") }
        case .drop: parts.append("drop")
        case .malformed: parts.append("malformed")
        case .truncated: parts.append("truncated")
        case .large(let bytes): parts.append("large=\(bytes)")
        }
        if let remaining { parts.append("times=\(remaining)") }
        return parts.joined(separator: " ")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
