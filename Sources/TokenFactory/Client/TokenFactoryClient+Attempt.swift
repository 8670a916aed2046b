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
    func attemptOnce(_ request: HTTPClientRequest, sent: Sent, path: String, attempt: Int, form: BodyForm = .json) async -> Outcome {
        let method = sent.method
        let limit = configuration.timeouts.request
        // An unstructured task inherits the caller's task-locals (its ResponseBudget).
        let exchange = Task { await self.exchange(request, sent: sent, path: path, attempt: attempt, form: form) }
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

    /// What came back for one request: from the network, or from a replaying cassette.
    struct Received {
        var status: Int
        var version: HTTPVersion
        var bytes: [UInt8]
        var retryAfter: String?
        var contentType: String?
    }

    /// Sends the request (or, replaying, looks it up in the cassette) and reads the whole
    /// response, redacting everything that came back; a recording cassette gets the exchange.
    private func exchange(_ request: HTTPClientRequest, sent: Sent, path: String, attempt: Int, form: BodyForm) async -> Outcome {
        let method = sent.method
        let received: Received
        if let cassette = configuration.cassette, cassette.mode == .replaying {
            switch replayed(sent, from: cassette, path: path, attempt: attempt) {
            case .success(let answer): received = answer
            case .failure(let failure): return failure.outcome
            }
        } else {
            switch await fetched(request, method: method, path: path, attempt: attempt) {
            case .success(let answer): received = answer
            case .failure(let failure):
                if let cassette = configuration.cassette, failure.outcome.requestSent, case .failure(let error, _, _) = failure.outcome {
                    cassette.record(Cassette.Exchange(
                        method: method, path: redactor.redact(sent.target), requestBody: sent.body, status: nil, transportError: redactor.redact(error.message)))
                }
                return failure.outcome
            }
            if let cassette = configuration.cassette {
                var headers: [String: String] = [:]
                headers["content-type"] = received.contentType.map(redactor.redact)
                headers["retry-after"] = received.retryAfter.map(redactor.redact)
                // Parsed, then redacted again: a token the server echoed inside a JSON string
                // is escaped there (`\"`, `\/`), which the byte-level pass cannot see.
                let json = (try? JSONValue(parsing: received.bytes)).map(redactor.redact)
                cassette.record(Cassette.Exchange(
                    method: method, path: redactor.redact(sent.target), requestBody: sent.body, status: received.status, headers: headers,
                    responseBody: json, responseText: json == nil && !received.bytes.isEmpty ? String(decoding: received.bytes, as: UTF8.self) : nil))
            }
        }
        return interpret(received, method: method, path: path, attempt: attempt, form: form)
    }

    /// An outcome that ends an exchange early.
    struct EarlyOutcome: Error { var outcome: Outcome }

    /// The recorded answer to `sent`; a request the cassette does not hold fails, not retried,
    /// naming the closest exchange it does hold.
    private func replayed(_ sent: Sent, from cassette: Cassette, path: String, attempt: Int) -> Result<Received, EarlyOutcome> {
        switch cassette.answer(method: sent.method, path: sent.target, body: sent.body) {
        case .success(let recorded):
            guard let status = recorded.status else {
                let error = TokenFactoryError(
                    kind: .transport, message: "(replayed from the cassette) \(recorded.transportError ?? "no answer")",
                    method: sent.method, path: path, retryable: true, attempts: attempt)
                return .failure(EarlyOutcome(outcome: .failure(error, retryAfter: nil, requestSent: true)))
            }
            let bytes = recorded.responseBytes
            // The same limits as an answer from the network: the response cap and the run's memory.
            if bytes.count > configuration.maxResponseBytes || !(ResponseBudget.current?.spend(bodyBytes: bytes.count) ?? true) {
                let error = TokenFactoryError(
                    kind: bytes.count > configuration.maxResponseBytes ? .decoding : .limit, status: status,
                    message: "the replayed response of \(bytes.count) bytes does not fit the response cap or the caller's memory budget",
                    method: sent.method, path: path, attempts: attempt)
                return .failure(EarlyOutcome(outcome: .failure(error, retryAfter: nil, requestSent: true)))
            }
            return .success(Received(
                status: status, version: .http1_1, bytes: redactor.redact(bytes: bytes),
                retryAfter: recorded.headers["retry-after"], contentType: recorded.headers["content-type"]))
        case .failure(let miss):
            var message = "the cassette holds no answer for \(sent.method) \(sent.target)"
            if sent.body != nil { message += " with this body" }
            if miss.exhausted { message += " (it holds that request, but the run made it more times than the recorded run did)" }
            if let closest = miss.closest {
                message += "; the closest it holds is \(closest.exchange.method) \(closest.exchange.path)"
                if closest.exchange.path == sent.target, closest.exchange.method == sent.method {
                    message += " with body \(closest.exchange.requestBody.map { $0.serialized() } ?? "none")"
                }
                if closest.used { message += " (already used)" }
            }
            message += ". Record the cassette again with --record, or change the script back"
            // Nothing went out: no attempt is counted, so nothing is reported as sent.
            let error = TokenFactoryError(kind: .configuration, message: message, method: sent.method, path: path, retryable: false, attempts: attempt - 1)
            return .failure(EarlyOutcome(outcome: .failure(error, retryAfter: nil, requestSent: false)))
        }
    }

    /// The response from the network, its body read whole within the size and memory limits.
    private func fetched(_ request: HTTPClientRequest, method: String, path: String, attempt: Int) async -> Result<Received, EarlyOutcome> {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: Self.timeAmount(configuration.timeouts.request))
        } catch {
            let sent = !Self.isConnectFailure(error)
            return .failure(EarlyOutcome(outcome: .failure(transportError(error, method: method, path: path, attempt: attempt, sent: sent), retryAfter: nil, requestSent: sent)))
        }
        let status = Int(response.status.code)
        let limit = configuration.maxResponseBytes
        let declared = SafeNumbers.contentLength(response.headers.first(name: "Content-Length"))
        if let declared, declared > limit {
            let error = TokenFactoryError(kind: .decoding, status: status, message: "response body of \(declared == .max ? "an absurd number of" : String(declared)) bytes (Content-Length) is larger than the \(limit) bytes accepted; not read", method: method, path: path, attempts: attempt)
            return .failure(EarlyOutcome(outcome: .failure(error, retryAfter: nil, requestSent: true)))
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
                    return .failure(EarlyOutcome(outcome: .failure(error, retryAfter: nil, requestSent: true)))
                }
                if let budget, !budget.spend(bodyBytes: chunk.readableBytes) {
                    let error = TokenFactoryError(
                        kind: .limit, status: status,
                        message: "stopped reading the response after \(raw.count + chunk.readableBytes) bytes: the caller's memory budget is exhausted",
                        method: method, path: path, attempts: attempt)
                    return .failure(EarlyOutcome(outcome: .failure(error, retryAfter: nil, requestSent: true)))
                }
                raw.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return .failure(EarlyOutcome(outcome: .failure(transportError(error, method: method, path: path, attempt: attempt, sent: true), retryAfter: nil, requestSent: true)))
        }
        if Task.isCancelled {
            return .failure(EarlyOutcome(outcome: .failure(transportError(CancellationError(), method: method, path: path, attempt: attempt, sent: true), retryAfter: nil, requestSent: true)))
        }
        // Redact first, then parse or cut: no snippet can hold part of a token (items 1-3).
        return .success(Received(
            status: status, version: response.version, bytes: redactor.redact(bytes: raw),
            retryAfter: response.headers.first(name: "Retry-After"), contentType: response.headers.first(name: "Content-Type")))
    }

    /// A response as an outcome: a success parsed as the caller wants it, or the API's error.
    private func interpret(_ received: Received, method: String, path: String, attempt: Int, form: BodyForm) -> Outcome {
        let status = received.status
        let bytes = received.bytes
        let retryAfter = RetryAfter.delay(from: received.retryAfter)
        let version = received.version

        if (200..<300).contains(status) {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .success(status: status, version: version, body: nil) }
            if case .listPage(let keys) = form {
                do throws(TokenFactoryError) {
                    return .success(status: status, version: version, body: nil, page: try ListPageBytes(redacted: bytes, keys: keys, redactor: redactor))
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
                return .success(status: status, version: version, body: redactor.redact(try JSONValue(parsing: bytes)))
            } catch {
                let message = "response body is not valid JSON (\(error.message)\(error.offset.map { " at byte \($0)" } ?? ""); starts with: \(snippet(bytes))"
                return .failure(TokenFactoryError(kind: .decoding, status: status, message: message, method: method, path: path, attempts: attempt, cause: error), retryAfter: nil, requestSent: true)
            }
        }
        return .failure(apiError(status: status, bytes: bytes, method: method, path: path, attempt: attempt), retryAfter: retryAfter, requestSent: true)
    }
}
