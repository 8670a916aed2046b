internal import AsyncHTTPClient
internal import Foundation
internal import TFScriptJSON
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL

extension TokenFactoryClient {
    /// Statuses worth retrying: rate limiting and transient server failures.
    static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// AsyncHTTPClient's settings for this client. HTTP/2 is negotiated by ALPN whenever the
    /// server offers it (`httpVersion` stays `.automatic`): all concurrent requests then share
    /// one connection and one TLS handshake, instead of one handshake per pooled connection.
    static func httpConfiguration(_ configuration: Configuration) throws(TokenFactoryError) -> HTTPClient.Configuration {
        var http = HTTPClient.Configuration()
        if !configuration.trustedCAs.isEmpty {
            var tls = TLSConfiguration.makeClientConfiguration()
            var roots: [NIOSSLCertificate] = []
            for authority in configuration.trustedCAs { roots += try authority.load() }
            tls.additionalTrustRoots = [.certificates(roots)]
            http.tlsConfiguration = tls
        }
        http.timeout = .init(connect: timeAmount(configuration.timeouts.connect), read: timeAmount(configuration.timeouts.read))
        http.redirectConfiguration = .disallow
        // Fail connection errors at once: our retry loop owns backoff, and a request that never
        // got a connection is known not to have reached the server (safe to retry a create).
        http.connectionPool.retryConnectionEstablishment = false
        // Up to 64 requests at once over HTTP/1.1 (AHC's default is 8 connections per host),
        // so `tf.parallel`'s concurrency (at most 64) is not silently capped by the pool.
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return http
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(SafeNumbers.nanoseconds(duration))
    }

    /// What one operation got back: the parsed, redacted body (nil when empty) and how many
    /// attempts it took.
    struct Reply: Sendable {
        var body: JSONValue?
        var attempts: Int
        /// For ``BodyForm/listPage``: the page's bytes, not parsed.
        var page: ListPageBytes?
    }

    /// What the caller wants of a successful response's body.
    enum BodyForm: Sendable {
        /// Parsed (and redacted) as one JSON value.
        case json
        /// Kept as bytes: a list page whose items array is found under one of `keys`
        /// (see ``ListPageBytes``).
        case listPage(keys: [String])
    }

    /// Sends one operation, retrying per policy.
    ///
    /// The whole operation (all attempts, all waits) stays within ``Retry/totalBudget``: when the
    /// server asks for a longer pause (`Retry-After`), or the shared gate is closed past this
    /// call's budget, the call fails at once and names the wait, rather than sleeping silently
    /// and sending anyway (issue 10, item 8).
    /// - Parameter idempotent: whether sending the request twice does what sending it once does
    ///   (a read, a patch to given values, a delete): only then is it retried after it may have
    ///   reached the server. Declared by each operation, never inferred from the method: a
    ///   non-create POST (an action) is not a create, and a create is not idempotent.
    func send(
        _ method: String,
        _ path: String,
        idempotent: Bool,
        query: [String: String] = [:],
        body: JSONValue? = nil,
        form: BodyForm = .json
    ) async throws(TokenFactoryError) -> Reply {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.retry.totalBudget)
        let backoff = Backoff(policy: configuration.retry)
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        var unanswered = false
        let target = path + Self.queryString(query)
        let request = makeRequest(method, target, body: body)
        let sent = Sent(method: method, target: target, body: body.map(redactor.redact))
        var requestLogger = logger
        requestLogger[metadataKey: "tokenfactory.method"] = "\(method)"
        requestLogger[metadataKey: "tokenfactory.path"] = "\(path)"
        let statistics = CallStatistics.current
        var countedAsSent = method == "GET"

        while true {
            attempt += 1
            // A cancelled call (the run hit a limit, was interrupted, or ended) sends nothing
            // more: not a first attempt, not a retry.
            if Task.isCancelled {
                throw TokenFactoryError(
                    kind: .transport, message: "cancelled before the request was sent (the run was stopped)",
                    method: method, path: path, retryable: false, attempts: attempt - 1, unanswered: unanswered)
            }
            do {
                try await waitForGate(deadline: deadline, clock: clock, method: method, path: path, attempt: attempt, unanswered: unanswered)
            } catch let error as TokenFactoryError {
                throw error
            } catch {
                throw TokenFactoryError(kind: .transport, message: "cancelled while waiting for the rate-limit pause to end", method: method, path: path, retryable: true, attempts: attempt - 1, unanswered: unanswered, cause: error)
            }
            requestLogger.debug("tokenfactory.request", metadata: ["tokenfactory.attempt": "\(attempt)"])
            let outcome = await attemptOnce(request, sent: sent, path: path, attempt: attempt, form: form)
            if !countedAsSent, outcome.requestSent {
                countedAsSent = true
                statistics?.recordMutationSent()
            }
            var failure: TokenFactoryError
            var retryAfter: Duration?
            switch outcome {
            case .success(let status, let version, let value, let page):
                requestLogger.debug("tokenfactory.response", metadata: [
                    "tokenfactory.status": "\(status)", "tokenfactory.attempt": "\(attempt)", "tokenfactory.http_version": "\(version)",
                ])
                return Reply(body: value, attempts: attempt, page: page)
            case .failure(let error, let after, let requestSent):
                failure = error
                retryAfter = after
                if error.kind == .transport && requestSent { unanswered = true }
                failure.unanswered = unanswered
                if let after { await retryAfterGate.hold(for: after) }
                let mayRetry = error.retryable && (idempotent || !requestSent) && error.kind != .limit
                requestLogger.debug("tokenfactory.failure", metadata: [
                    "tokenfactory.status": "\(error.status.map(String.init) ?? "none")",
                    "tokenfactory.kind": "\(error.kind)",
                    "tokenfactory.attempt": "\(attempt)",
                ])
                guard mayRetry else {
                    if error.retryable && !idempotent && error.kind != .limit {
                        failure.message += " (not retried: a create may already have reached the server; list endpoints before trying again)"
                    }
                    throw failure
                }
            }
            if let retryAfter, clock.now.advanced(by: retryAfter) > deadline {
                let left = max(.zero, clock.now.duration(to: deadline))
                failure.message += " (the server asked to wait \(SafeNumbers.describe(retryAfter)) before trying again (Retry-After), "
                    + "longer than the \(SafeNumbers.describe(left)) left of this call's retry budget of "
                    + "\(SafeNumbers.describe(configuration.retry.totalBudget)); not retried)"
                throw failure
            }
            guard attempt < configuration.retry.maxAttempts else { throw failure }
            let wait = retryAfter ?? backoff.delay(beforeRetry: attempt, using: &generator)
            if clock.now.advanced(by: wait) > deadline {
                failure.message += " (gave up: the next attempt would start past the retry budget of \(SafeNumbers.describe(configuration.retry.totalBudget)))"
                throw failure
            }
            // Cancelled while this attempt ran: its failure is the answer, with no retry to announce.
            if Task.isCancelled { throw failure }
            // A warning, not debug: retries are how a flaky API shows before it fails a run,
            // and a scheduled run's operator should see them without -v.
            requestLogger.warning("retrying a failed API call", metadata: [
                "tokenfactory.operation": "\(method) \(path)",
                "tokenfactory.reason": "\(Self.retryReason(failure))",
                "tokenfactory.attempt": "\(attempt)",
                "tokenfactory.delay": "\(SafeNumbers.describe(wait))",
            ])
            statistics?.recordRetry()
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw failure
            }
        }
    }

    /// Why an attempt is retried, in a few words for the retry warning: `HTTP 503`,
    /// `connection refused`, `connection closed`, `request timeout`.
    static func retryReason(_ error: TokenFactoryError) -> String {
        if error.kind == .api, let status = error.status { return "HTTP \(status)" }
        if let cause = error.cause {
            if let reason = connectFailureReason(cause) { return reason }
            if let httpError = cause as? HTTPClientError {
                switch httpError {
                case .remoteConnectionClosed: return "connection closed"
                case .connectTimeout: return "connect timeout"
                case .readTimeout: return "read timeout"
                case .deadlineExceeded: return "request timeout"
                default: break
                }
            }
            // NIO's parser reports a connection closed mid-response as an unexpected EOF.
            if let parserError = cause as? HTTPParserError, parserError == .invalidEOFState { return "connection closed" }
            let text = String(describing: cause)
            if text.contains("Connection reset") || text.contains("errno: \(ECONNRESET))") { return "connection reset" }
        }
        if error.message.hasPrefix("no complete response within the request timeout") { return "request timeout" }
        let summary = error.message.prefix { $0 != ";" && $0 != "(" }.trimmingCharacters(in: .whitespaces)
        return String(summary.prefix(80))
    }

    /// Waits while an earlier `Retry-After` holds the shared gate closed; fails at once (nothing
    /// sent) when the gate would stay closed past this call's own budget.
    private func waitForGate(
        deadline: ContinuousClock.Instant, clock: ContinuousClock, method: String, path: String, attempt: Int, unanswered: Bool
    ) async throws {
        guard let reopens = await retryAfterGate.reopensAt else { return }
        if reopens > deadline {
            let wait = clock.now.duration(to: reopens)
            throw TokenFactoryError(
                kind: .api, status: 429,
                message: "not sent: the server asked all requests to wait \(SafeNumbers.describe(wait)) more (Retry-After), "
                    + "longer than this call's retry budget of \(SafeNumbers.describe(configuration.retry.totalBudget)). "
                    + "Try again after the pause, or raise the retry budget",
                method: method, path: path, retryable: true, attempts: attempt - 1, unanswered: unanswered)
        }
        try await retryAfterGate.waitUntilOpen()
    }

    /// `?a=1&b=2`, keys sorted; empty for no query.
    static func queryString(_ query: [String: String]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.sorted { $0.key < $1.key }.map { "\(Self.percentEncode($0.key))=\(Self.percentEncode($0.value))" }.joined(separator: "&")
    }

    /// What one request is, for a cassette: method, path with query, and body (redacted).
    struct Sent: Sendable {
        var method: String
        var target: String
        var body: JSONValue?
    }

    private func makeRequest(_ method: String, _ target: String, body: JSONValue?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL.string + target)
        request.method = .RAW(value: method)
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let body {
            let bytes = body.serializedBytes()
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(bytes)
        }
        return request
    }

    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
