internal import AsyncHTTPClient
internal import TFScriptJSON
internal import NIOCore
internal import NIOHTTP1
internal import Synchronization

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
    /// second once held a call for minutes (issue 10, item 6). The exchange runs in a task of
    /// its own and a timer on the client's event loop cancels it when the deadline passes,
    /// which makes AsyncHTTPClient close the connection. (A timer task raced in a task group
    /// did the same at three extra task hops and a dispatch timer per request: a tenth of the
    /// client's CPU in a `tf.parallel` run.)
    func attemptOnce(_ request: HTTPClientRequest, method: String, path: String, attempt: Int, form: BodyForm = .json) async -> Outcome {
        let limit = configuration.timeouts.request
        // An unstructured task inherits the caller's task-locals (its ResponseBudget).
        let exchange = Task { await self.exchange(request, method: method, path: path, attempt: attempt, form: form) }
        let deadline = DeadlineFlag()
        let timer = http.eventLoopGroup.any().scheduleTask(in: Self.timeAmount(limit)) {
            deadline.passed.store(true, ordering: .releasing)
            exchange.cancel()
        }
        // The caller's cancellation reaches the exchange, whose own answer (a cancellation
        // error) is then the one to report.
        let outcome = await withTaskCancellationHandler { await exchange.value } onCancel: { exchange.cancel() }
        timer.cancel()
        if case .success = outcome { return outcome }
        guard deadline.passed.load(ordering: .acquiring) else { return outcome }
        let message = "no complete response within the request timeout of \(SafeNumbers.describe(limit)) "
            + "(the server was too slow or stalled; raise the limit with --request-timeout or Timeouts.request)"
        let error = TokenFactoryError(kind: .transport, message: message, method: method, path: path, retryable: true, attempts: attempt)
        return .failure(error, retryAfter: nil, requestSent: true)
    }

    /// Set by an attempt's timer when the request deadline passes.
    private final class DeadlineFlag: Sendable {
        let passed = Atomic<Bool>(false)
    }

    /// The most a response's Content-Length can make the client reserve before reading.
    static let reservedBodyBytes = 16 << 20

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
        let declared = SafeNumbers.contentLength(response.headers.first(name: "Content-Length"))
        if let declared, declared > limit {
            let error = TokenFactoryError(kind: .decoding, status: status, message: "response body of \(declared == .max ? "an absurd number of" : String(declared)) bytes (Content-Length) is larger than the \(limit) bytes accepted; not read", method: method, path: path, attempts: attempt)
            return .failure(error, retryAfter: nil, requestSent: true)
        }
        var raw: [UInt8] = []
        // Room for the declared length up front: a 500 KB list page is then one allocation, not a
        // dozen copies while the array doubles. Capped, so a server that declares more than it
        // sends reserves little; memory pages are only touched as bytes arrive.
        if let declared, declared > 0 { raw.reserveCapacity(min(declared, Self.reservedBodyBytes)) }
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
