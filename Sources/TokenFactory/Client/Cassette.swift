public import TFScriptJSON
internal import Synchronization

/// A recording of a client's API exchanges, in order, to answer a later run from instead of the
/// network (`tfscript run --record FILE` / `--replay FILE`, docs/cassettes.md).
///
/// Recorded at the client's one transport seam, after redaction: the token and the
/// `Authorization` header are never written, and bodies pass through the same redaction as logs
/// (a server echoing the token leaves `[REDACTED]` in the file). A replaying client never opens
/// a connection: each request is answered by the first unused exchange with the same method,
/// path, query and body, and one the cassette does not hold fails, naming the closest exchange
/// it does hold.
public final class Cassette: Sendable {
    /// One request and what came back.
    public struct Exchange: Sendable, Equatable {
        public var method: String
        /// The path with its query (`/v0/dedicated_endpoints?page_token=…`), as sent.
        public var path: String
        /// The request body as sent (redacted), nil for none.
        public var requestBody: JSONValue?
        /// The HTTP status; nil when no answer came (`transportError` says why).
        public var status: Int?
        /// The response headers that matter to the client: `content-type`, `retry-after`.
        public var headers: [String: String]
        /// The response body (redacted): JSON when it parses, else its text.
        public var responseBody: JSONValue?
        public var responseText: String?
        /// For an exchange that got no answer: the client's description of the failure.
        public var transportError: String?

        public init(
            method: String, path: String, requestBody: JSONValue?, status: Int?, headers: [String: String] = [:],
            responseBody: JSONValue? = nil, responseText: String? = nil, transportError: String? = nil
        ) {
            self.method = method
            self.path = path
            self.requestBody = requestBody
            self.status = status
            self.headers = headers
            self.responseBody = responseBody
            self.responseText = responseText
            self.transportError = transportError
        }

        /// The response body's bytes, as the client reads them.
        var responseBytes: [UInt8] {
            if let responseBody { return responseBody.serializedBytes() }
            return Array((responseText ?? "").utf8)
        }

        func matches(method: String, path: String, body: JSONValue?) -> Bool {
            self.method == method && self.path == path && requestBody == body
        }
    }

    /// Bumped when the file format changes incompatibly.
    public static let formatVersion: Int64 = 1

    public enum Mode: Sendable, Equatable { case recording, replaying }
    public let mode: Mode
    /// The base URL the exchanges were recorded against (informational: replay sends nothing).
    public let baseURL: String
    private let state: Mutex<(exchanges: [Exchange], used: [Bool])>

    /// An empty cassette that records.
    public init(recordingAgainst baseURL: String) {
        mode = .recording
        self.baseURL = baseURL
        state = Mutex(([], []))
    }

    /// A cassette that answers from `exchanges`.
    public init(replaying exchanges: [Exchange], baseURL: String) {
        mode = .replaying
        self.baseURL = baseURL
        state = Mutex((exchanges, Array(repeating: false, count: exchanges.count)))
    }

    /// The exchanges, in order.
    public var exchanges: [Exchange] { state.withLock { $0.exchanges } }

    func record(_ exchange: Exchange) {
        state.withLock { state in
            state.exchanges.append(exchange)
            state.used.append(true)
        }
    }

    /// The first unused exchange matching the request (marked used), or why there is none.
    func answer(method: String, path: String, body: JSONValue?) -> Result<Exchange, CassetteMiss> {
        state.withLock { state in
            if let index = state.exchanges.indices.first(where: { !state.used[$0] && state.exchanges[$0].matches(method: method, path: path, body: body) }) {
                state.used[index] = true
                return .success(state.exchanges[index])
            }
            let closest = state.exchanges.enumerated().max { a, b in
                Self.likeness(a.element, method: method, path: path, body: body, used: state.used[a.offset])
                    < Self.likeness(b.element, method: method, path: path, body: body, used: state.used[b.offset])
            }
            let usedUp = state.exchanges.indices.contains { state.used[$0] && state.exchanges[$0].matches(method: method, path: path, body: body) }
            return .failure(CassetteMiss(closest: closest.map { ($0.element, state.used[$0.offset]) }, exhausted: usedUp))
        }
    }

    /// How alike a recorded exchange is to a request: method, then path, then body.
    private static func likeness(_ exchange: Exchange, method: String, path: String, body: JSONValue?, used: Bool) -> Int {
        var score = 0
        if exchange.method == method { score += 4 }
        if exchange.path == path { score += 8 } else if exchange.path.split(separator: "?").first == path.split(separator: "?").first { score += 6 }
        if exchange.requestBody == body { score += 2 }
        if !used { score += 1 }
        return score
    }

    /// Why a replaying cassette could not answer.
    struct CassetteMiss: Error {
        var closest: (exchange: Exchange, used: Bool)?
        /// The cassette held this very request, but fewer times than the run made it.
        var exhausted: Bool
    }

    // MARK: The file

    /// The file's JSON: a format name and version, the base URL, the exchanges in order.
    public var json: JSONValue {
        .object([
            "format": "tfscript-cassette",
            "format_version": .integer(Self.formatVersion),
            "base_url": .string(baseURL),
            "exchanges": .array(exchanges.map(Self.json)),
        ])
    }

    static func json(_ exchange: Exchange) -> JSONValue {
        var object: [String: JSONValue] = ["method": .string(exchange.method), "path": .string(exchange.path)]
        object["request_body"] = exchange.requestBody
        object["status"] = exchange.status.map { .integer(Int64($0)) }
        if !exchange.headers.isEmpty { object["headers"] = .object(exchange.headers.mapValues(JSONValue.string)) }
        object["response_body"] = exchange.responseBody
        object["response_text"] = exchange.responseText.map(JSONValue.string)
        object["transport_error"] = exchange.transportError.map(JSONValue.string)
        return .object(object)
    }

    /// Reads a cassette file's JSON, refusing what it cannot replay faithfully.
    public convenience init(replayingJSON json: JSONValue) throws(TokenFactoryError) {
        func invalid(_ message: String) -> TokenFactoryError {
            TokenFactoryError(kind: .configuration, message: "not a usable cassette: \(message)")
        }
        guard json["format"]?.stringValue == "tfscript-cassette" else { throw invalid("format is not \"tfscript-cassette\"") }
        guard json["format_version"]?.integerValue == Self.formatVersion else {
            throw invalid("format_version \(json["format_version"]?.serialized() ?? "missing") is not supported (this tfscript reads \(Self.formatVersion))")
        }
        guard let list = json["exchanges"]?.arrayValue else { throw invalid("exchanges is missing") }
        var exchanges: [Exchange] = []
        for (offset, item) in list.enumerated() {
            guard let method = item["method"]?.stringValue, let path = item["path"]?.stringValue, path.hasPrefix("/") else {
                throw invalid("exchange \(offset + 1) needs a method and a path starting with /")
            }
            let status = item["status"]?.integerValue.flatMap { Int(exactly: $0) }
            guard status.map({ (100...599).contains($0) }) ?? (item["transport_error"]?.stringValue != nil) else {
                throw invalid("exchange \(offset + 1) needs a status from 100 to 599, or a transport_error")
            }
            var headers: [String: String] = [:]
            for (name, value) in item["headers"]?.objectValue ?? [:] { if let text = value.stringValue { headers[name.lowercased()] = text } }
            exchanges.append(Exchange(
                method: method, path: path, requestBody: item["request_body"], status: status, headers: headers,
                responseBody: item["response_body"], responseText: item["response_text"]?.stringValue,
                transportError: item["transport_error"]?.stringValue))
        }
        self.init(replaying: exchanges, baseURL: json["base_url"]?.stringValue ?? "")
    }
}

extension Cassette {
    /// Reads a cassette file (at most 256 MiB, a regular file) for replay.
    /// - Throws: a ``TokenFactoryError`` of kind `configuration` naming the file and what is wrong.
    public convenience init(replayingFile path: String) throws(TokenFactoryError) {
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: 256 << 20, regularOnly: true) } catch {
            throw TokenFactoryError(kind: .configuration, message: "cannot read the cassette \(path): \(error)")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch {
            throw TokenFactoryError(kind: .configuration, message: "\(path): not JSON: \(error)")
        }
        do { try self.init(replayingJSON: json) } catch {
            throw TokenFactoryError(kind: .configuration, message: "\(path): \(error.message)")
        }
    }
}

extension TokenFactoryClient.Configuration {
    /// A client that answers from `cassette` and never connects (no token is needed or sent).
    /// Its base URL, which plans record as their target, is `baseURL`, else the cassette's
    /// (the public API's when the cassette has none, or one whose credentials were redacted).
    public static func replaying(
        _ cassette: Cassette, baseURL: String? = nil, timeouts: TokenFactoryClient.Timeouts = TokenFactoryClient.Timeouts()
    ) -> TokenFactoryClient.Configuration {
        let recorded = cassette.baseURL
        var configuration = TokenFactoryClient.Configuration(
            baseURL: baseURL ?? (recorded.isEmpty || recorded.contains("@") ? defaultBaseURL : recorded),
            token: "cassette-replay", timeouts: timeouts)
        configuration.cassette = cassette
        configuration.tokenSource = "the cassette (replay)"
        return configuration
    }
}
