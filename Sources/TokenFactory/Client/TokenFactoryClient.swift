internal import AsyncHTTPClient
internal import JSON
public import Logging

/// Client for the Token Factory control plane (dedicated endpoints and templates).
///
/// One instance owns one AsyncHTTPClient `HTTPClient` (pooled keep-alive connections) and is safe
/// to share between tasks. Call ``shutdown()`` once when done. Every method validates its input,
/// retries transient failures per ``Configuration/retry``, and throws ``TokenFactoryError`` only.
public final class TokenFactoryClient: Sendable {
    static let endpointsPath = "/v0/dedicated_endpoints"
    static let templatesPath = "/v0/dedicated_endpoints/templates"

    /// The configuration the client was created with.
    public let configuration: Configuration
    /// Shared back-off state: when a response says `Retry-After`, new requests wait here.
    public let retryAfterGate: RetryAfterGate
    let baseURL: BaseURL
    let http: HTTPClient
    let logger: Logger
    let redactor: TokenRedactor

    /// Creates a client. The logger logs nothing unless the caller passes one that does.
    ///
    /// - Parameter retryAfterGate: pass one gate to several clients to make them back off together.
    /// - Throws: a ``TokenFactoryError/Kind/configuration`` error for an unusable base URL
    ///   (including `http://` to a non-loopback host) or an empty token.
    public init(
        configuration: Configuration,
        retryAfterGate: RetryAfterGate = RetryAfterGate(),
        logger: Logger = Logger(label: "tokenfactory", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(TokenFactoryError) {
        self.baseURL = try BaseURL(configuration.baseURL)
        guard !configuration.token.isEmpty else {
            throw TokenFactoryError(kind: .configuration, message: "the API token is empty")
        }
        self.configuration = configuration
        self.retryAfterGate = retryAfterGate
        self.logger = logger
        self.redactor = TokenRedactor(token: configuration.token)
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.httpConfiguration(configuration))
    }

    /// Closes pooled connections. Call exactly once, after the last request has finished.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Every dedicated endpoint, following `next_page_token` across pages.
    public func listEndpoints() async throws(TokenFactoryError) -> [Endpoint] {
        var endpoints: [Endpoint] = []
        var pageToken: String?
        var seenTokens: Set<String> = []
        repeat {
            let query = pageToken.map { ["page_token": $0] } ?? [:]
            let body = try await send("GET", Self.endpointsPath, query: query)
            let page = try decode("GET", Self.endpointsPath) { () throws(TokenFactoryError) in
                try ListPage(body ?? .null, keys: ["endpoints", "items", "data", "dedicated_endpoints"])
            }
            for item in page.items {
                endpoints.append(try decode("GET", Self.endpointsPath) { () throws(TokenFactoryError) in try Endpoint(raw: item) })
            }
            pageToken = page.nextPageToken
            if let token = pageToken, !seenTokens.insert(token).inserted {
                throw TokenFactoryError(kind: .decoding, message: "the API returned the same next_page_token twice (\(token)); stopping to avoid an endless loop", method: "GET", path: Self.endpointsPath, attempts: 1)
            }
        } while pageToken != nil
        return endpoints
    }

    /// One endpoint by id. A missing id throws an ``TokenFactoryError/Kind/api`` error with status 404.
    public func getEndpoint(id: String) async throws(TokenFactoryError) -> Endpoint {
        let path = try endpointPath(id, method: "GET")
        let body = try await send("GET", path)
        return try decodeEndpoint(body, method: "GET", path: path)
    }

    /// Creates an endpoint. Never retried once the request may have reached the server.
    public func createEndpoint(_ spec: EndpointSpec) async throws(TokenFactoryError) -> Endpoint {
        let body = try await send("POST", Self.endpointsPath, body: spec.body)
        return try decodeEndpoint(body, method: "POST", path: Self.endpointsPath)
    }

    /// Changes only the fields in `patch`; returns the updated endpoint.
    public func patchEndpoint(id: String, _ patch: EndpointPatch) async throws(TokenFactoryError) -> Endpoint {
        let path = try endpointPath(id, method: "PATCH")
        let body = try await send("PATCH", path, body: patch.body)
        return try decodeEndpoint(body, method: "PATCH", path: path)
    }

    /// Deletes an endpoint permanently.
    public func deleteEndpoint(id: String) async throws(TokenFactoryError) {
        let path = try endpointPath(id, method: "DELETE")
        _ = try await send("DELETE", path)
    }

    /// The template catalogue (deployable model × flavor × GPU combinations), all pages.
    public func listTemplates() async throws(TokenFactoryError) -> [Template] {
        var templates: [Template] = []
        var pageToken: String?
        var pages = 0
        repeat {
            let query = pageToken.map { ["page_token": $0] } ?? [:]
            let body = try await send("GET", Self.templatesPath, query: query)
            let page = try decode("GET", Self.templatesPath) { () throws(TokenFactoryError) in
                try ListPage(body ?? .null, keys: ["templates", "items", "data"])
            }
            for item in page.items {
                templates.append(try decode("GET", Self.templatesPath) { () throws(TokenFactoryError) in try Template(raw: item) })
            }
            pageToken = page.nextPageToken
            pages += 1
        } while pageToken != nil && pages < 10_000
        return templates
    }

    // MARK: - Helpers

    private func endpointPath(_ id: String, method: String) throws(TokenFactoryError) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
        guard !id.isEmpty, id.allSatisfy({ allowed.contains($0) }) else {
            throw TokenFactoryError.validation(
                [ValidationIssue(path: "", message: "must be a non-empty endpoint id of letters, digits, '-', '_', '.' or '~', got \"\(id.prefix(60))\"")],
                method: method, path: Self.endpointsPath + "/{endpoint_id}"
            )
        }
        return Self.endpointsPath + "/" + id
    }

    private func decodeEndpoint(_ body: JSONValue?, method: String, path: String) throws(TokenFactoryError) -> Endpoint {
        try decode(method, path) { () throws(TokenFactoryError) in
            guard let body else { throw TokenFactoryError(kind: .decoding, message: "empty response body; expected an endpoint object") }
            // Some APIs wrap the object: {"endpoint": {...}}.
            if Endpoint.id(in: body) == nil, let inner = body["endpoint"] ?? body["dedicated_endpoint"] {
                return try Endpoint(raw: inner)
            }
            return try Endpoint(raw: body)
        }
    }

    /// Runs a decoding step and stamps its error with the request it belongs to.
    private func decode<T>(_ method: String, _ path: String, _ body: () throws(TokenFactoryError) -> T) throws(TokenFactoryError) -> T {
        do {
            return try body()
        } catch {
            var error = error
            error.method = error.method ?? method
            error.path = error.path ?? path
            error.message = redactor.redact(error.message)
            throw error
        }
    }
}
