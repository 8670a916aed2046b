internal import AsyncHTTPClient
internal import Foundation
internal import JSON
internal import Logging
internal import NIOCore
internal import NIOHTTP1

extension TokenFactoryClient {
    /// Statuses worth retrying: rate limiting and transient server failures.
    static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    static func httpConfiguration(_ configuration: Configuration) -> HTTPClient.Configuration {
        var http = HTTPClient.Configuration()
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
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Sends one operation, retrying per policy. Returns the parsed body (nil when empty).
    func send(
        _ method: String,
        _ path: String,
        query: [String: String] = [:],
        body: JSONValue? = nil
    ) async throws(TokenFactoryError) -> JSONValue? {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: configuration.retry.totalBudget)
        let idempotent = method != "POST"
        let backoff = Backoff(policy: configuration.retry)
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        let request = makeRequest(method, path, query: query, body: body)
        var requestLogger = logger
        requestLogger[metadataKey: "tokenfactory.method"] = "\(method)"
        requestLogger[metadataKey: "tokenfactory.path"] = "\(path)"

        while true {
            attempt += 1
            do {
                try await waitForGate(deadline: deadline, clock: clock)
            } catch {
                throw TokenFactoryError(kind: .transport, message: "cancelled while waiting for the rate-limit pause to end", method: method, path: path, retryable: true, attempts: attempt - 1, cause: error)
            }
            requestLogger.debug("tokenfactory.request", metadata: ["tokenfactory.attempt": "\(attempt)"])
            let outcome = await attemptOnce(request, method: method, path: path, attempt: attempt)
            var failure: TokenFactoryError
            var retryAfter: Duration?
            switch outcome {
            case .success(let status, let value):
                requestLogger.debug("tokenfactory.response", metadata: ["tokenfactory.status": "\(status)", "tokenfactory.attempt": "\(attempt)"])
                return value
            case .failure(let error, let after, let requestSent):
                failure = error
                retryAfter = after
                if let after { await retryAfterGate.hold(for: after) }
                let mayRetry = error.retryable && (idempotent || !requestSent)
                requestLogger.debug("tokenfactory.failure", metadata: [
                    "tokenfactory.status": "\(error.status.map(String.init) ?? "none")",
                    "tokenfactory.kind": "\(error.kind)",
                    "tokenfactory.attempt": "\(attempt)",
                ])
                guard mayRetry else {
                    if error.retryable && !idempotent {
                        failure.message += " (not retried: a create may already have reached the server; list endpoints before trying again)"
                    }
                    throw failure
                }
            }
            guard attempt < configuration.retry.maxAttempts else { throw failure }
            let wait = retryAfter ?? backoff.delay(beforeRetry: attempt, using: &generator)
            if clock.now.advanced(by: wait) > deadline {
                failure.message += " (gave up: the next attempt would end past the retry budget of \(configuration.retry.totalBudget))"
                throw failure
            }
            requestLogger.debug("tokenfactory.retry", metadata: ["tokenfactory.delay": "\(wait)", "tokenfactory.attempt": "\(attempt)"])
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw failure
            }
        }
    }

    private func waitForGate(deadline: ContinuousClock.Instant, clock: ContinuousClock) async throws {
        guard let reopens = await retryAfterGate.reopensAt else { return }
        if reopens > deadline {
            try await Task.sleep(until: deadline, clock: clock)
        } else {
            try await retryAfterGate.waitUntilOpen()
        }
    }

    enum Outcome {
        case success(status: Int, body: JSONValue?)
        /// `requestSent` is false only when no connection was ever established.
        case failure(TokenFactoryError, retryAfter: Duration?, requestSent: Bool)
    }

    private func makeRequest(_ method: String, _ path: String, query: [String: String], body: JSONValue?) -> HTTPClientRequest {
        var url = baseURL.string + path
        if !query.isEmpty {
            url += "?" + query.sorted { $0.key < $1.key }.map { "\(Self.percentEncode($0.key))=\(Self.percentEncode($0.value))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
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

    private func attemptOnce(_ request: HTTPClientRequest, method: String, path: String, attempt: Int) async -> Outcome {
        let response: HTTPClientResponse
        let bytes: [UInt8]
        do {
            response = try await http.execute(request, timeout: Self.timeAmount(configuration.timeouts.total))
        } catch {
            let sent = !Self.isConnectFailure(error)
            return .failure(transportError(error, method: method, path: path, attempt: attempt, sent: sent), retryAfter: nil, requestSent: sent)
        }
        let status = Int(response.status.code)
        do {
            var buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            let error = TokenFactoryError(kind: .decoding, status: status, message: "response body larger than \(configuration.maxResponseBytes) bytes", method: method, path: path, attempts: attempt)
            return .failure(error, retryAfter: nil, requestSent: true)
        } catch {
            return .failure(transportError(error, method: method, path: path, attempt: attempt, sent: true), retryAfter: nil, requestSent: true)
        }
        let retryAfter = RetryAfter.delay(from: response.headers.first(name: "Retry-After"))
        if (200..<300).contains(status) {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .success(status: status, body: nil) }
            do {
                return .success(status: status, body: try JSONValue(parsing: bytes))
            } catch {
                let message = "response body is not valid JSON (\(error.message)\(error.offset.map { " at byte \($0)" } ?? ""); starts with: \(snippet(bytes))"
                return .failure(TokenFactoryError(kind: .decoding, status: status, message: message, method: method, path: path, attempts: attempt, cause: error), retryAfter: nil, requestSent: true)
            }
        }
        return .failure(apiError(status: status, bytes: bytes, method: method, path: path, attempt: attempt), retryAfter: retryAfter, requestSent: true)
    }

    private func apiError(status: Int, bytes: [UInt8], method: String, path: String, attempt: Int) -> TokenFactoryError {
        let parsed = try? JSONValue(parsing: bytes)
        var message: String?
        var code: String?
        if let parsed {
            let error = parsed["error"]
            message = error?["message"]?.stringValue ?? error?.stringValue ?? parsed["message"]?.stringValue ?? parsed["detail"]?.stringValue
            code = error?["code"]?.stringValue ?? parsed["code"]?.stringValue
        }
        if message == nil, !bytes.isEmpty { message = snippet(bytes) }
        return TokenFactoryError(
            kind: .api,
            status: status,
            message: redactor.redact(message ?? Self.reasonPhrase(status)),
            apiCode: code.map(redactor.redact),
            method: method,
            path: path,
            retryable: Self.retryableStatuses.contains(status),
            attempts: attempt
        )
    }

    private func transportError(_ error: any Error, method: String, path: String, attempt: Int, sent: Bool) -> TokenFactoryError {
        let what: String
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .connectTimeout: what = "connection to \(baseURL.host) timed out"
            case .readTimeout: what = "no response within the read timeout"
            case .deadlineExceeded: what = "request exceeded its total timeout"
            case .remoteConnectionClosed: what = "the server closed the connection before the response was complete"
            default: what = "\(httpError)"
            }
        } else {
            what = sent ? "\(error)" : "cannot connect to \(baseURL.host): \(error)"
        }
        return TokenFactoryError(kind: .transport, message: redactor.redact(what), method: method, path: path, retryable: true, attempts: attempt, cause: error)
    }

    /// Whether `error` means no connection was established, so the request was never sent.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let httpError = error as? HTTPClientError {
            return httpError == .connectTimeout || httpError == .tlsHandshakeTimeout || httpError == .getConnectionFromPoolTimeout
        }
        if case ChannelError.connectTimeout = error { return true }
        // Refused or unreachable is only ever reported while connecting.
        if let ioError = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(ioError.errnoCode) { return true }
        let typeName = String(reflecting: type(of: error))
        return typeName.contains("NIOConnectionError") || typeName.contains("SingleConnectionFailure")
    }

    private func snippet(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return redactor.redact(bytes.count > 200 ? text + "…" : text)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthenticated"
        case 403: "permission denied"
        case 404: "not found"
        case 409: "conflict"
        case 422: "unprocessable request"
        case 429: "too many requests"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        default: "unexpected HTTP status"
        }
    }
}
