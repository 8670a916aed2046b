public import AsyncHTTPClient
internal import TFScriptJSON
public import Logging

/// Client for the Token Factory control plane (dedicated endpoints and templates).
///
/// One instance owns one AsyncHTTPClient `HTTPClient` (pooled keep-alive connections) and is safe
/// to share between tasks. Call ``shutdown()`` once when done. Every method validates its input,
/// retries transient failures per ``Configuration/retry``, and throws ``TokenFactoryError`` only.
public final class TokenFactoryClient: Sendable {
    /// The endpoints collection's path: errors name it, so a dry run's refusals (a duplicate
    /// name) read like the API's own.
    public static let endpointsPath = "/v0/dedicated_endpoints"
    static let templatesPath = "/v0/dedicated_endpoints/templates"

    /// The configuration the client was created with.
    public let configuration: Configuration
    /// Shared back-off state: when a response says `Retry-After`, new requests wait here.
    public let retryAfterGate: RetryAfterGate
    let baseURL: BaseURL
    let http: HTTPClient
    /// False when the embedder passed the `HTTPClient` (it shuts it down, not us).
    let ownsHTTPClient: Bool
    let logger: Logger
    let redactor: TokenRedactor

    /// Creates a client. The logger logs nothing unless the caller passes one that does.
    ///
    /// - Parameter retryAfterGate: pass one gate to several clients to make them back off together.
    /// - Parameter httpClient: an `HTTPClient` to share instead of making one; the caller keeps
    ///   ownership (``shutdown()`` leaves it running). Configure it with
    ///   `redirectConfiguration = .disallow` (a followed redirect would carry the bearer token
    ///   to another host); per-attempt deadlines still apply, its connect/read timeouts are its own.
    /// - Throws: a ``TokenFactoryError/Kind/configuration`` error for an unusable base URL
    ///   (including `http://` to a non-loopback host), an empty token or one holding control
    ///   characters or whitespace (``Credentials/validate(token:source:)``), or a
    ///   ``Configuration/trustedCAs`` entry that cannot be read or holds no certificate.
    public init(
        configuration: Configuration,
        retryAfterGate: RetryAfterGate = RetryAfterGate(),
        httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "tokenfactory", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(TokenFactoryError) {
        self.baseURL = try BaseURL(configuration.baseURL)
        // Checked here too, not only where the CLI loads it: an embedder's token goes straight
        // into the Authorization header, whose failure message would echo it.
        try Credentials.validate(token: configuration.token, source: "the client configuration")
        self.configuration = configuration
        self.retryAfterGate = retryAfterGate
        self.logger = logger
        self.redactor = TokenRedactor(token: configuration.token)
        if let httpClient {
            self.http = httpClient
        } else {
            self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try Self.httpConfiguration(configuration))
        }
        self.ownsHTTPClient = httpClient == nil
    }

    /// Closes pooled connections. Call exactly once, after the last request has finished.
    public func shutdown() async throws {
        guard ownsHTTPClient else { return }
        try await http.shutdown()
    }

    /// Every dedicated endpoint, following `next_page_token` across pages (at most
    /// ``Configuration/maxPages``; a repeated token fails at once).
    public func listEndpoints() async throws(TokenFactoryError) -> [Endpoint] {
        try await collectPages(Self.endpointsPath, keys: Self.endpointListKeys) { item throws(TokenFactoryError) in
            try Endpoint(raw: item)
        }
    }

    /// The endpoint list page by page, as the bytes the server sent (redacted): for callers
    /// that decode the items themselves (scripts get them straight as Lua tables). The next
    /// page is fetched while the caller works on the current one.
    public func endpointPages() -> ListPageReader {
        ListPageReader(client: self, path: Self.endpointsPath, keys: Self.endpointListKeys)
    }

    /// Where an object-shaped list response may hold its endpoints, in order of preference.
    static let endpointListKeys = ["endpoints", "items", "data", "dedicated_endpoints"]

    /// One endpoint by id. A missing id throws an ``TokenFactoryError/Kind/api`` error with status 404.
    public func getEndpoint(id: String) async throws(TokenFactoryError) -> Endpoint {
        let path = try endpointPath(id, method: "GET")
        let reply = try await send("GET", path, idempotent: true)
        return try decodeEndpoint(reply.body, method: "GET", path: path)
    }

    /// Creates an endpoint. Never retried once the request may have reached the server.
    public func createEndpoint(_ spec: EndpointSpec) async throws(TokenFactoryError) -> Endpoint {
        try Endpoint(raw: try await perform(.create, target: nil, body: spec.body).value ?? .null)
    }

    /// Changes only the fields in `patch`; returns the updated endpoint.
    public func patchEndpoint(id: String, _ patch: EndpointPatch) async throws(TokenFactoryError) -> Endpoint {
        try Endpoint(raw: try await perform(.patch, target: id, body: patch.body).value ?? .null)
    }

    /// Deletes an endpoint permanently. A 404 on a *retried* delete counts as success: an
    /// earlier attempt whose answer was lost deleted it.
    ///
    /// When the first attempt's answer is lost (timeout, dropped connection) after the server
    /// deleted the endpoint, the retry gets 404. That means "deleted", not "failed": reporting
    /// a failure made apply skip the rest of a plan (issue 10, item 7). A 404 on the *first*
    /// attempt still fails: nothing this call did removed the endpoint.
    public func deleteEndpoint(id: String) async throws(TokenFactoryError) {
        _ = try await perform(.delete, target: id, body: nil)
    }

    /// The template catalogue (deployable model × flavor × GPU combinations), all pages.
    public func listTemplates() async throws(TokenFactoryError) -> [Template] {
        try await collectPages(Self.templatesPath, keys: ["templates", "items", "data"]) { item throws(TokenFactoryError) in
            try Template(raw: item)
        }
    }

    // MARK: - Helpers

    /// Ids that are letters and digits but would address something other than one endpoint:
    /// dot segments (normalised away by servers and proxies, so `DELETE .../.` reaches the
    /// collection) and the names of sibling routes (issue 10, item 10).
    static let reservedIDs: Set<String> = [".", "..", "templates"]

    func endpointPath(_ id: String, method: String) throws(TokenFactoryError) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
        let issue: String?
        if id.isEmpty || !id.allSatisfy({ allowed.contains($0) }) {
            issue = "must be a non-empty endpoint id of letters, digits, '-', '_', '.' or '~', got \"\(redactor.redact(String(id.prefix(60))))\""
        } else if Self.reservedIDs.contains(id.lowercased()) {
            issue = "\"\(id)\" is not an endpoint id: it would address \(id == "." || id == ".." ? "the endpoint collection or its parent" : "the \(id) route"), not one endpoint. Use the endpoint_id from tf.endpoints.list()"
        } else {
            issue = nil
        }
        if let issue {
            throw TokenFactoryError.validation(
                [ValidationIssue(path: "", message: issue)], method: method, path: Self.endpointsPath + "/{endpoint_id}")
        }
        return Self.endpointsPath + "/" + id
    }

    func decodeEndpoint(_ body: JSONValue?, method: String, path: String) throws(TokenFactoryError) -> Endpoint {
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
    func decode<T>(_ method: String, _ path: String, _ body: () throws(TokenFactoryError) -> T) throws(TokenFactoryError) -> T {
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
