public import Foundation
public import TFScriptJSON

/// One request that reached the simulator's API routes, as tests assert on it.
///
/// Control routes (`/_simulator/...`) are not recorded.
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    /// Path without the query, e.g. `/v0/dedicated_endpoints/ep-demo-01`.
    public var path: String
    /// Query parameters (last value wins).
    public var query: [String: String]
    /// The request body parsed as JSON; nil when empty or not JSON (see ``bodyText``).
    public var body: JSONValue?
    /// The raw body text when it was not valid JSON.
    public var bodyText: String?
    /// When the request arrived (wall clock, not the simulated clock).
    public var time: Date
    /// The status the simulator answered with.
    public var status: Int
    /// The fault applied, in its one-line form, if any.
    public var fault: String?
    /// Whether the request carried the right bearer token.
    public var authorized: Bool
    /// The HTTP version it came over: `"1.1"`, or `"2"` when the client negotiated HTTP/2 by
    /// ALPN on a TLS simulator.
    public var httpVersion: String

    /// RFC 3339 with milliseconds: request timings (a benchmark's waves) are milliseconds apart.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The JSON form served by `GET /_simulator/requests`.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "method": .string(method), "path": .string(path),
            "query": .object(query.mapValues { .string($0) }),
            "time": .string(Self.timeFormat.format(time)),
            "status": .integer(Int64(status)), "authorized": .bool(authorized),
            "http_version": .string(httpVersion),
        ]
        object["body"] = body ?? .null
        if let bodyText { object["body_text"] = .string(bodyText) }
        if let fault { object["fault"] = .string(fault) }
        return .object(object)
    }
}
