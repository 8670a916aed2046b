extension TokenFactoryClient {
    /// Everything the client needs to talk to one control plane. Every field is defaulted.
    public struct Configuration: Sendable {
        /// Control-plane base URL, without a trailing slash. Must be `https://`, or `http://` to
        /// a loopback host (the simulator), so the token is never sent in clear over a network.
        public var baseURL: String
        /// The bearer token. Never logged and never part of an error.
        public var token: String
        public var timeouts: Timeouts
        public var retry: Retry
        /// The `User-Agent` header.
        public var userAgent: String
        /// Largest response body accepted; bigger bodies fail with a decoding error rather than
        /// exhausting memory. A `Content-Length` above it is refused before the body is read.
        public var maxResponseBytes: Int
        /// Most pages one list call follows before failing with a ``TokenFactoryError/Kind/limit``
        /// error. A server that hands out a fresh `next_page_token` forever would otherwise make a
        /// list call grow without end (issue 10, item 9); a repeated token fails at once.
        public var maxPages: Int
        /// Certificate authorities trusted in addition to the system's (`--ca-file`): a private
        /// CA, or a TLS-inspecting proxy's. Read when the client is created; a file that cannot
        /// be read or holds no certificate fails there, before any request. Ignored when the
        /// client is given an `HTTPClient` of the caller's (its TLS configuration rules).
        public var trustedCAs: [CACertificates]
        /// Where the token came from, in words (`$TOKEN_FACTORY_API_KEY`, `token_file ~/.tf (profile
        /// prod)`), never the token: a 401 then says which token was refused. Nil: not said.
        public var tokenSource: String?
        /// Records every exchange into this cassette, or answers from it without any network
        /// access (``Cassette/mode``). Nil: neither.
        public var cassette: Cassette?
        public static let defaultBaseURL = "https://api.tokenfactory.nebius.com"

        public init(
            baseURL: String = Configuration.defaultBaseURL,
            token: String,
            timeouts: Timeouts = Timeouts(),
            retry: Retry = Retry(),
            userAgent: String = "tfscript/0.1",
            maxResponseBytes: Int = 64 << 20,
            maxPages: Int = Configuration.defaultMaxPages,
            trustedCAs: [CACertificates] = []
        ) {
            self.baseURL = baseURL
            self.token = token
            self.timeouts = timeouts
            self.retry = retry
            self.userAgent = userAgent
            self.maxResponseBytes = max(0, maxResponseBytes)
            self.maxPages = max(1, maxPages)
            self.trustedCAs = trustedCAs
        }

        /// The documented page cap of a list call (1000 pages).
        public static let defaultMaxPages = 1000
    }

    /// Network time limits, per attempt.
    public struct Timeouts: Sendable {
        /// Limit on establishing a connection (TCP + TLS).
        public var connect: Duration
        /// Limit on silence while waiting for response bytes.
        public var read: Duration
        /// Limit on one whole attempt: connect, send, wait for the head **and read the whole
        /// body** (`tfscript --request-timeout`). A server dripping one byte a second never
        /// trips ``read``; this deadline still ends the attempt. Retries get a fresh limit,
        /// bounded overall by ``Retry/totalBudget``.
        public var request: Duration

        /// The default of ``request``: 60 seconds.
        public static let defaultRequest: Duration = .seconds(60)

        public init(connect: Duration = .seconds(10), read: Duration = .seconds(60), request: Duration = Timeouts.defaultRequest) {
            self.connect = connect
            self.read = read
            self.request = request
        }
    }

    /// When and how long to retry (exponential backoff with full jitter).
    ///
    /// Retried: 429, 500, 502, 503, 504 and connection failures, for GET, PATCH and DELETE.
    /// POST (create) is retried only when the connection could not be established, i.e. the
    /// request certainly never reached the server; a retried create could create two endpoints.
    public struct Retry: Sendable {
        /// Attempts in total, including the first (1 disables retries).
        public var maxAttempts: Int
        /// The backoff cap for the first retry; doubles per retry. The actual wait is random in
        /// `0...cap` ("full jitter"), which spreads concurrent clients apart.
        public var baseDelay: Duration
        /// Upper bound of the backoff cap.
        public var maxDelay: Duration
        /// Upper bound on the time spent on one operation, all attempts and waits included.
        /// A `Retry-After` that would end past it makes the client give up at once.
        public var totalBudget: Duration

        public init(
            maxAttempts: Int = 5,
            baseDelay: Duration = .milliseconds(500),
            maxDelay: Duration = .seconds(30),
            totalBudget: Duration = .seconds(300)
        ) {
            self.maxAttempts = max(1, maxAttempts)
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.totalBudget = totalBudget
        }

        /// No retries at all.
        public static let none = Retry(maxAttempts: 1)
    }
}
