/// The one error type thrown by the Token Factory client.
///
/// A struct rather than an enum (as swift-nio's `FileSystemError`) so new kinds can be added
/// without breaking callers' `switch` statements. Branch on ``kind`` and ``status``; show
/// ``description`` to people. The API token never appears in any field: messages echoed by the
/// server are redacted before they are stored.
public struct TokenFactoryError: Error, Sendable, CustomStringConvertible {
    /// What class of failure this is. Extensible: compare with the static members.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// Stable lowercase name (`"api"`, `"transport"`, ...), used by the Lua `err.kind` field.
        public let name: String

        /// The API answered with a non-success HTTP status.
        public static let api = Kind(name: "api")
        /// No usable HTTP response: connection refused or dropped, timeout, TLS failure.
        public static let transport = Kind(name: "transport")
        /// The API answered but the body could not be understood (invalid JSON, wrong shape, too large).
        public static let decoding = Kind(name: "decoding")
        /// Input refused by client-side validation; no request was sent.
        public static let validation = Kind(name: "validation")
        /// Set-up problem: no token, unreadable token file, unsafe base URL.
        public static let configuration = Kind(name: "configuration")
        /// A limit stopped the call: the page cap, or the caller's response-body observer.
        public static let limit = Kind(name: "limit")

        public var description: String { name }
    }

    /// What class of failure this is.
    public var kind: Kind
    /// The HTTP status the API returned, when it returned one.
    public var status: Int?
    /// The API's own message when it sent one, otherwise ours. Never contains the token.
    public var message: String
    /// The API's machine-readable error code (`error.code`), when it sent one.
    public var apiCode: String?
    /// HTTP method of the failed request (`GET`, `PATCH`, ...), when a request was involved.
    public var method: String?
    /// Path of the failed request (`/v0/dedicated_endpoints/ep-1`), without host or query.
    public var path: String?
    /// Whether trying again later may succeed (429, 5xx, connection errors).
    public var retryable: Bool
    /// How many attempts were made (1 when the request was not retried; 0 when none was sent).
    public var attempts: Int
    /// True when some attempt was sent but no answer came back (timeout, lost connection,
    /// cancellation): the server may have applied the change. A journal must call such an
    /// outcome `unknown`, never a failure.
    public var unanswered: Bool
    /// Validation problems, one per offending field (only for ``Kind/validation``).
    public var issues: [ValidationIssue]
    /// The underlying error (AsyncHTTPClient, JSON parser), for debugging.
    public var cause: (any Error)?
    /// True when a dry run found this refusal itself, with the API's own rule and words, and
    /// sent nothing: the kind, status and code are what the live run would get, and the
    /// description says `(found in dry run: nothing was sent)` so nobody reads it as a request
    /// that reached the API.
    public var foundInDryRun: Bool = false
    /// For a 401: where the refused token came from (``TokenFactoryClient/Configuration/tokenSource``),
    /// so the message names it; never the token.
    public var tokenSource: String?

    /// Whether the request was sent more than once before giving up.
    public var wasRetried: Bool { attempts > 1 }

    public init(
        kind: Kind,
        status: Int? = nil,
        message: String,
        apiCode: String? = nil,
        method: String? = nil,
        path: String? = nil,
        retryable: Bool = false,
        attempts: Int = 0,
        unanswered: Bool = false,
        issues: [ValidationIssue] = [],
        cause: (any Error)? = nil
    ) {
        self.kind = kind
        self.status = status
        self.message = message
        self.apiCode = apiCode
        self.method = method
        self.path = path
        self.retryable = retryable
        self.attempts = attempts
        self.unanswered = unanswered
        self.issues = issues
        self.cause = cause
    }

    /// What failed, where, and what to do next, on one line.
    public var description: String {
        var text = ""
        if let method, let path { text += "\(method) \(path): " }
        switch kind {
        case .api:
            text += "HTTP \(status.map(String.init) ?? "?")"
            if let apiCode { text += " \(apiCode)" }
            text += ": \(message)"
            if foundInDryRun { text += " " + Self.dryRunNote }
        case .validation where !issues.isEmpty:
            text += issues.map(\.description).joined(separator: "; ")
        default:
            text += "\(kind) error: \(message)"
        }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        if let hint { text += ". \(hint)" }
        return text
    }

    /// What a refusal found by a dry run says after the API's message.
    public static let dryRunNote = "(found in dry run: nothing was sent)"

    /// A suggestion for the person reading the error.
    var hint: String? {
        switch kind {
        case .api:
            switch status {
            case 401:
                if let tokenSource { return "The token from \(tokenSource) was refused; check it (tfscript config show says which token a command uses)" }
                return "Check the API token (--token-file, TOKEN_FACTORY_API_KEY, API_TOKEN or NEBIUS_API_KEY)"
            case 403: return "The token is valid but not allowed to do this; check its project and permissions"
            case 404: return "Check the endpoint id; list endpoints to see what exists"
            case 409: return "The request conflicts with the current state (for example a duplicate name)"
            case 400, 422: return "Fix the request fields and try again"
            case 429: return "Rate limited; slow down or raise the retry budget"
            case .some(500...599): return "Server-side failure; try again later"
            default: return nil
            }
        case .transport: return unanswered && method != "GET" ? "The server may have applied the change; read the endpoint before trying again" : "Check the network and the base URL"
        case .decoding: return "The API answered with something the client does not understand; report it with the request log"
        default: return nil
        }
    }
}
