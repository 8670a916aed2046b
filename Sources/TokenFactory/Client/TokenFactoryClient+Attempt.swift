internal import AsyncHTTPClient
internal import TFScriptJSON
internal import NIOCore
internal import NIOHTTP1

extension TokenFactoryClient {
    enum Outcome: Sendable {
        /// `body` is parsed JSON, or for ``BodyForm/listPage`` nil with the page in `page`;
        /// `version` is the HTTP version the connection negotiated (`HTTP/2.0` by ALPN over TLS).
        case success(status: Int, version: HTTPVersion, body: JSONValue?, page: ListPageBytes? = nil)
        /// `requestSent` is false only when no connection was ever established.
        case failure(TokenFactoryError, retryAfter: Duration?, requestSent: Bool)

        /// Whether the request went out (any answer, or a failure after connecting).
        var requestSent: Bool {
            switch self {
            case .success: true
            case .failure(_, _, let sent): sent
            }
        }
    }

    /// One attempt under one deadline (``Timeouts/request``) that covers connecting, sending,
    /// the head **and the whole body**.
    ///
    /// AsyncHTTPClient's own deadline stops at the response head, so a body dripping a byte a
    /// second once held a call for minutes (issue 10, item 6). The exchange runs in a child task
    /// raced against a timer; when the timer wins the exchange is cancelled, which makes
    /// AsyncHTTPClient close the connection.
    func attemptOnce(_ request: HTTPClientRequest, method: String, path: String, attempt: Int, form: BodyForm = .json) async -> Outcome {
        let limit = configuration.timeouts.request
        enum Race: Sendable { case finished(Outcome), deadline, cancelled }
        let race = await withTaskGroup(of: Race.self) { group in
            group.addTask { .finished(await self.exchange(request, method: method, path: path, attempt: attempt, form: form)) }
            group.addTask {
                do { try await Task.sleep(for: limit) } catch { return .cancelled }
                return .deadline
            }
            var first = await group.next() ?? .cancelled
            // The timer ends early only when the caller was cancelled: then the exchange's
            // own answer (a cancellation error) is the one to report.
            if case .cancelled = first { first = await group.next() ?? .cancelled }
            group.cancelAll()
            return first
        }
        switch race {
        case .finished(let outcome):
            return outcome
        case .deadline, .cancelled:
            let message = "no complete response within the request timeout of \(SafeNumbers.describe(limit)) "
                + "(the server was too slow or stalled; raise the limit with --request-timeout or Timeouts.request)"
            let error = TokenFactoryError(kind: .transport, message: message, method: method, path: path, retryable: true, attempts: attempt)
            return .failure(error, retryAfter: nil, requestSent: true)
        }
    }

    /// Sends the request and reads the whole response, redacting everything that came back.
    private func exchange(_ request: HTTPClientRequest, method: String, path: String, attempt: Int, form: BodyForm) async -> Outcome {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: Self.timeAmount(configuration.timeouts.request))
        } catch {
            let sent = !Self.isConnectFailure(error)
            return .failure(transportError(error, method: method, path: path, attempt: attempt, sent: sent), retryAfter: nil, requestSent: sent)
        }
        let status = Int(response.status.code)
        let limit = configuration.maxResponseBytes
        if let declared = SafeNumbers.contentLength(response.headers.first(name: "Content-Length")), declared > limit {
            let error = TokenFactoryError(kind: .decoding, status: status, message: "response body of \(declared == .max ? "an absurd number of" : String(declared)) bytes (Content-Length) is larger than the \(limit) bytes accepted; not read", method: method, path: path, attempts: attempt)
            return .failure(error, retryAfter: nil, requestSent: true)
        }
        var raw: [UInt8] = []
        let budget = ResponseBudget.current
        do {
            for try await chunk in response.body {
                guard raw.count + chunk.readableBytes <= limit else {
                    let error = TokenFactoryError(kind: .decoding, status: status, message: "response body larger than \(limit) bytes", method: method, path: path, attempts: attempt)
                    return .failure(error, retryAfter: nil, requestSent: true)
                }
                if let budget, !budget.spend(bodyBytes: chunk.readableBytes) {
                    let error = TokenFactoryError(
                        kind: .limit, status: status,
                        message: "stopped reading the response after \(raw.count + chunk.readableBytes) bytes: the caller's memory budget is exhausted",
                        method: method, path: path, attempts: attempt)
                    return .failure(error, retryAfter: nil, requestSent: true)
                }
                raw.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return .failure(transportError(error, method: method, path: path, attempt: attempt, sent: true), retryAfter: nil, requestSent: true)
        }
        if Task.isCancelled {
            return .failure(transportError(CancellationError(), method: method, path: path, attempt: attempt, sent: true), retryAfter: nil, requestSent: true)
        }
        // Redact first, then parse or cut: no snippet can hold part of a token (items 1-3).
        let bytes = redactor.redact(bytes: raw)
        let retryAfter = RetryAfter.delay(from: response.headers.first(name: "Retry-After"))
        if (200..<300).contains(status) {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .success(status: status, version: response.version, body: nil) }
            if case .listPage(let keys) = form {
                do throws(TokenFactoryError) {
                    return .success(status: status, version: response.version, body: nil, page: try ListPageBytes(redacted: bytes, keys: keys, redactor: redactor))
                } catch {
                    var failure = error
                    failure.status = status
                    failure.method = method
                    failure.path = path
                    failure.attempts = attempt
                    return .failure(failure, retryAfter: nil, requestSent: true)
                }
            }
            do {
                return .success(status: status, version: response.version, body: redactor.redact(try JSONValue(parsing: bytes)))
            } catch {
                let message = "response body is not valid JSON (\(error.message)\(error.offset.map { " at byte \($0)" } ?? ""); starts with: \(snippet(bytes))"
                return .failure(TokenFactoryError(kind: .decoding, status: status, message: message, method: method, path: path, attempts: attempt, cause: error), retryAfter: nil, requestSent: true)
            }
        }
        return .failure(apiError(status: status, bytes: bytes, method: method, path: path, attempt: attempt), retryAfter: retryAfter, requestSent: true)
    }
}
