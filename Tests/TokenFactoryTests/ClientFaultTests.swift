import InMemoryLogging
import Foundation
import TFScriptJSON
import TokenFactory
import TokenFactorySimulator
import Testing
import TestSupport

@Suite("Retries and faults")
struct ClientFaultTests {
    private func fault(_ line: String) throws -> Fault { try Fault(parsing: line) }

    @Test("a GET that fails twice with 503 succeeds on the third attempt")
    func retriesGet() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints/* 503 times=2")])
            let endpoint = try await client.getEndpoint(id: "ep-demo-01")
            #expect(endpoint.id == "ep-demo-01")
            #expect(await simulator.requestLog().map(\.status) == [503, 503, 200])
        }
    }

    @Test("each retryable status is retried", arguments: [429, 500, 502, 503, 504])
    func retryableStatuses(_ status: Int) async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints \(status) retry-after=0 times=1")])
            #expect(try await client.listEndpoints().count == 12)
            #expect(await simulator.requestLog().count == 2)
        }
    }

    @Test("retries stop at maxAttempts with a retryable error")
    func retriesExhausted() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("PATCH /v0/dedicated_endpoints/* 502")])
            let error = await captureError { _ = try await client.patchEndpoint(id: "ep-demo-01", try EndpointPatch(validating: ["enabled": false])) }
            #expect(error?.status == 502)
            #expect(error?.retryable == true)
            #expect(error?.attempts == 4)
            #expect(error?.wasRetried == true)
            #expect(await simulator.requestLog().count == 4)
        }
    }

    @Test("a create is never retried after reaching the server")
    func createNotRetried() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("POST /v0/dedicated_endpoints 503 times=1")])
            let error = await captureError { _ = try await client.createEndpoint(try EndpointSpec(validating: sampleSpec())) }
            #expect(error?.status == 503)
            #expect(error?.attempts == 1)
            #expect(error?.message.contains("not retried") == true)
            #expect(await simulator.requestLog().count == 1)
        }
    }

    @Test("a create whose response connection drops is not retried")
    func createDropNotRetried() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("POST /v0/dedicated_endpoints drop times=1")])
            let error = await captureError { _ = try await client.createEndpoint(try EndpointSpec(validating: sampleSpec())) }
            #expect(error?.kind == .transport)
            #expect(await simulator.requestLog().count == 1)
            // The server did create it: a blind retry would have made a duplicate.
            #expect(try await client.listEndpoints().contains { $0.name == "test-new" })
        }
    }

    @Test("a GET whose connection drops mid-response is retried and recovers")
    func dropRecovered() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints/* drop times=1")])
            #expect(try await client.getEndpoint(id: "ep-demo-03").id == "ep-demo-03")
            #expect(await simulator.requestLog().count == 2)
        }
    }

    @Test("malformed JSON is a decoding error naming the request")
    func malformed() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints malformed")])
            let error = await captureError { _ = try await client.listEndpoints() }
            #expect(error?.kind == .decoding)
            #expect(error?.method == "GET")
            #expect(error?.path == "/v0/dedicated_endpoints")
            #expect(error?.message.contains("not valid JSON") == true)
        }
    }

    @Test("truncated JSON is a decoding error")
    func truncated() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints/* truncated")])
            let error = await captureError { _ = try await client.getEndpoint(id: "ep-demo-01") }
            #expect(error?.kind == .decoding)
        }
    }

    @Test("a large response within the limit is read")
    func largeWithinLimit() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints large=2MB")])
            #expect(try await client.listEndpoints().count == 12)
        }
    }

    @Test("a response above maxResponseBytes is a clear decoding error")
    func largeAboveLimit() async throws {
        try await withSimulator(maxResponseBytes: 1 << 20) { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints large=2MB")])
            let error = await captureError { _ = try await client.listEndpoints() }
            #expect(error?.kind == .decoding)
            #expect(error?.message.contains("larger than") == true)
        }
    }

    @Test("Retry-After is honoured before the retry")
    func retryAfterHonoured() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints 429 retry-after=1 times=1")])
            let clock = ContinuousClock()
            let elapsed = try await clock.measure { _ = try await client.listEndpoints() }
            #expect(elapsed >= .milliseconds(950))
            let log = await simulator.requestLog()
            #expect(log.count == 2)
            #expect(log[1].time.timeIntervalSince(log[0].time) >= 0.95)
        }
    }

    @Test("after a Retry-After, other requests from the client wait too")
    func retryAfterGateSharedByRequests() async throws {
        try await withSimulator(retry: .none) { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints 429 retry-after=1 times=1")])
            // Measured from before the 429: the pause starts when it arrives, so the second
            // request cannot be done before a second has passed since then (a lower bound that
            // a slow machine cannot break, unlike one measured after the first call returned).
            let clock = ContinuousClock()
            let start = clock.now
            let error = await captureError { _ = try await client.listEndpoints() }
            #expect(error?.status == 429)
            _ = try await client.getEndpoint(id: "ep-demo-01")
            #expect(clock.now - start >= .seconds(1))
        }
    }

    @Test("a Retry-After beyond the budget gives up at once")
    func retryAfterBeyondBudget() async throws {
        let retry = TokenFactoryClient.Retry(maxAttempts: 5, baseDelay: .milliseconds(1), totalBudget: .seconds(2))
        try await withSimulator(retry: retry) { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints 429 retry-after=60")])
            let error = await captureError { _ = try await client.listEndpoints() }
            #expect(error?.status == 429)
            #expect(error?.attempts == 1)
            #expect(error?.message.contains("retry budget") == true)
        }
    }

    @Test("added latency still succeeds")
    func latency() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try fault("* /** latency=50ms")])
            let elapsed = try await ContinuousClock().measure { _ = try await client.getEndpoint(id: "ep-demo-01") }
            #expect(elapsed >= .milliseconds(50))
        }
    }

    @Test("a GET that times out is retried and recovers")
    func timeoutRecovered() async throws {
        // Generous against a loaded machine: only the first answer is late (times=1).
        try await withSimulator(timeouts: .init(read: .seconds(1), request: .seconds(10))) { simulator, client in
            await simulator.setFaults([try fault("GET /v0/dedicated_endpoints/* latency=3s times=1")])
            #expect(try await client.getEndpoint(id: "ep-demo-01").id == "ep-demo-01")
            #expect(await simulator.activeFaults().isEmpty)
        }
    }

    @Test("a create that times out is not retried")
    func createTimeoutNotRetried() async throws {
        try await withSimulator(timeouts: .init(read: .milliseconds(200), request: .seconds(5))) { simulator, client in
            await simulator.setFaults([try fault("POST /v0/dedicated_endpoints latency=600ms times=1")])
            let error = await captureError { _ = try await client.createEndpoint(try EndpointSpec(validating: sampleSpec())) }
            #expect(error?.kind == .transport)
            #expect(error?.attempts == 1)
            #expect(error?.message.contains("not retried") == true)
        }
    }

    @Test("a refused connection is a retryable transport error")
    func connectionRefused() async throws {
        // Start and stop a simulator to find a port nothing listens on.
        let simulator = try await TokenFactorySimulator.start()
        let baseURL = simulator.baseURL
        await simulator.shutdown()
        let client = try TokenFactoryClient(configuration: .init(
            baseURL: baseURL, token: "x-token",
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        ))
        let error = await captureError { _ = try await client.createEndpoint(try EndpointSpec(validating: sampleSpec())) }
        #expect(error?.kind == .transport)
        #expect(error?.retryable == true)
        // Never connected, so even a create may be retried.
        #expect(error?.attempts == 2)
        try await client.shutdown()
    }
}

@Suite("Token redaction")
struct TokenRedactionTests {
    @Test("a token echoed by the server is redacted from the error")
    func echoedTokenRedacted() async throws {
        try await withSimulator { simulator, client in
            var object = sampleSpec().objectValue!
            object["model_name"] = .string(simulator.token)
            let error = await captureError { _ = try await client.createEndpoint(try EndpointSpec(validating: .object(object))) }
            #expect(error?.status == 422)
            #expect(error?.message.contains("[REDACTED]") == true)
            #expect(error?.description.contains(simulator.token) == false)
            #expect("\(String(describing: error))".contains(simulator.token) == false)
        }
    }

    @Test("logs never contain the token")
    func logsHideToken() async throws {
        let recorder = InMemoryLogHandler()
        try await withSimulator(logger: recorder.logger()) { simulator, client in
            await simulator.setFaults([try Fault(parsing: "GET /v0/dedicated_endpoints 503 times=1")])
            _ = try await client.listEndpoints()
            _ = await captureError { _ = try await client.getEndpoint(id: "ep-missing") }
            #expect(!recorder.lines.isEmpty)
            #expect(recorder.lines.allSatisfy { !$0.contains(simulator.token) })
        }
    }
}
