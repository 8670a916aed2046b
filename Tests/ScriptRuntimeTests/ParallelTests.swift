import Foundation
import TFScriptJSON
import Logging
import TFScriptLuaHost
import TFScriptRuntime
import Synchronization
import Testing
import TestSupport
import TokenFactory
import TokenFactorySimulator

/// Counts how many operations are in flight at once (the property `concurrency` bounds).
/// Wraps the real control plane: requests still go over HTTP to the simulator.
final class InFlightCounter: ControlPlane {
    let inner: any ControlPlane
    private let counts = Mutex<(now: Int, peak: Int, total: Int)>((0, 0, 0))

    init(_ inner: any ControlPlane) { self.inner = inner }

    var peak: Int { counts.withLock { $0.peak } }
    var total: Int { counts.withLock { $0.total } }
    var now: Int { counts.withLock { $0.now } }

    private func counted<T>(_ body: () async throws -> T) async throws -> T {
        counts.withLock { $0.now += 1; $0.total += 1; $0.peak = max($0.peak, $0.now) }
        defer { counts.withLock { $0.now -= 1 } }
        return try await body()
    }

    func listEndpoints() async throws -> [JSONValue] { try await counted { try await inner.listEndpoints() } }
    func endpoint(id: String) async throws -> JSONValue { try await counted { try await inner.endpoint(id: id) } }
    func listTemplates() async throws -> [JSONValue] { try await counted { try await inner.listTemplates() } }
    func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue { try await counted { try await inner.createEndpoint(spec) } }
    func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue {
        try await counted { try await inner.patchEndpoint(id: id, patch) }
    }
    func deleteEndpoint(id: String) async throws { try await counted { try await inner.deleteEndpoint(id: id) } }
}

/// A simulator with `count` endpoints `ep-001`… and a `tf` module talking to it (live, or
/// recording under `dryRun`); runs Lua on its own thread and returns what the chunk returned.
struct ParallelHarness {
    var count = 12
    var faults: [String] = []
    var dryRun = false
    var timeout: Duration?
    var memoryLimit: Int? = 64 << 20
    /// Extra set-up on the Lua thread after `tf` is installed (test-only globals).
    var prepare: (@Sendable (LuaState) throws -> Void)?

    struct Outcome {
        var result: Result<[LuaValue], LuaError>
        var requests: [RecordedRequest]
        var counter: InFlightCounter
        var plan: [PlanOperation]
        /// How long the Lua run took (not the simulator's start and stop).
        var elapsed: Duration

        func values() throws -> [LuaValue] { try result.get() }
    }

    static func fleet(_ count: Int) -> [JSONValue] {
        (1...count).map { i in
            let id = String(format: "ep-%03d", i)
            return [
                "endpoint_id": .string(id), "name": .string("test-\(id)"), "model_name": "openai/gpt-oss-20b",
                "flavor_name": "base", "gpu_type": "gpu-h100-sxm", "gpu_count": 1, "region": "eu-north1",
                "scaling": ["min_replicas": 1, "max_replicas": 2], "enabled": true,
            ]
        }
    }

    /// Makes one full round trip on a fresh connection before the simulator stops. A run that
    /// ended while its requests were still connecting (a limit cancelled them) can leave
    /// connections in the listen backlog; the server must accept them before it shuts down
    /// (accepting one during shutdown trips a NIO assertion in debug builds).
    static func settle(_ simulator: TokenFactorySimulator) async throws {
        await simulator.setFaults([])
        let client = try TokenFactoryClient(configuration: .init(baseURL: simulator.baseURL, token: simulator.token, retry: .none))
        _ = try? await client.listEndpoints()
        try await client.shutdown()
    }

    func run(_ source: String) async throws -> Outcome {
        let faults = try faults.map { try Fault(parsing: $0) }
        let retry = TokenFactoryClient.Retry(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), totalBudget: .seconds(20))
        return try await withSimulator(.init(fleet: Self.fleet(count), speed: .infinity, faults: faults), retry: retry) { simulator, client in
            let recorder = dryRun
                ? RecordingControlPlane(reader: APIReader(client: client)) { id in
                    TokenFactoryError(kind: .api, status: 404, message: "\(id) not found", method: "GET", path: "/v0/dedicated_endpoints/\(id)")
                } : nil
            let counter = InFlightCounter(recorder ?? LiveControlPlane(client: client, journal: nil))
            let module = TFModule(context: .init(
                controlPlanes: ControlPlaneSelector(plane: counter, recorder: recorder),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), version: "test"))
            let configuration = LuaStateConfiguration(
                memoryLimit: memoryLimit, timeout: timeout, maxOutputBytes: 1 << 20, sandbox: .init(randomSeed: 1))
            let prepare = prepare
            let start = ContinuousClock.now
            let result = try await LuaThread.run { () -> Result<[LuaValue], LuaError> in
                let state = try LuaState(configuration: configuration)
                try module.install(into: state)
                try prepare?(state)
                state.startClock()
                do throws(LuaError) { return .success(try state.run(source, chunkName: "@parallel.lua")) } catch { return .failure(error) }
            }
            let elapsed = ContinuousClock.now - start
            let requests = await simulator.requestLog()
            let plan = recorder?.recordedOperations ?? []
            try await Self.settle(simulator)
            return Outcome(result: result, requests: requests, counter: counter, plan: plan, elapsed: elapsed)
        }
    }
}

/// `tf.parallel`: results, errors, concurrency, dry-run order, limits (docs/lua-api.md).
struct ParallelTests {
    @Test("results come back in item order as {ok, value} / {ok, err}, with the failure count")
    func resultsInItemOrder() async throws {
        let outcome = try await ParallelHarness(faults: ["GET /v0/dedicated_endpoints/ep-001 latency=60ms"]).run("""
            local ids = {'ep-001', 'ep-002', 'nope', 'ep-004', 'ep-005'}
            local results, failures = tf.parallel(ids, function(id, i)
              local ep = tf.endpoints.get(id)
              if i == 5 then error('item five') end
              return ep.name
            end, {concurrency = 3})
            return #results, failures, results[1].ok, results[1].value, results[2].value,
              results[3].ok, results[3].err.status, results[4].value, results[5].err, tf.json.encode((tf.parallel({}, print)))
            """)
        #expect(try outcome.values() == [
            5, 2, true, "test-ep-001", "test-ep-002", false, 404, "test-ep-004", "parallel.lua:4: item five", "[]",
        ])
    }

    @Test("at most `concurrency` requests are in flight, and requests do overlap")
    func concurrencyBound() async throws {
        let outcome = try await ParallelHarness(count: 12, faults: ["GET /v0/dedicated_endpoints/* latency=40ms"]).run("""
            local eps = tf.endpoints.list()
            local results = tf.parallel(eps, function(ep) return tf.endpoints.get(ep.endpoint_id).endpoint_id end, {concurrency = 3})
            return #results, results[12].value
            """)
        #expect(try outcome.values() == [12, "ep-012"])
        #expect(outcome.counter.total == 13)
        #expect(outcome.counter.peak == 3)
    }

    @Test("the default concurrency is 8")
    func defaultConcurrency() async throws {
        let outcome = try await ParallelHarness(count: 20, faults: ["GET /v0/dedicated_endpoints/* latency=40ms"]).run("""
            local ids = {}
            for i = 1, 20 do ids[i] = string.format('ep-%03d', i) end
            return #tf.parallel(ids, function(id) return tf.endpoints.get(id) end)
            """)
        #expect(try outcome.values() == [20])
        #expect(outcome.counter.peak == 8)
    }

    @Test("fail_fast re-raises the first error once in-flight requests finished, and starts no more items")
    func failFast() async throws {
        let outcome = try await ParallelHarness(count: 12, faults: ["GET /v0/dedicated_endpoints/ep-001 latency=80ms"]).run("""
            local started = 0
            local ok, err = pcall(tf.parallel, {'ep-001', 'ep-002', 'ep-003', 'ep-004', 'ep-005', 'ep-006'}, function(id, i)
              started = started + 1
              if i == 2 then error({code = 'first'}) end
              return tf.endpoints.get(id)
            end, {concurrency = 2, fail_fast = true})
            return ok, err.code, started
            """)
        #expect(try outcome.values() == [false, "first", 2])
        // The request item 1 had in flight finished before the error was raised.
        #expect(outcome.counter.total == 1)
        #expect(outcome.counter.now == 0)
    }

    @Test("an uncaught fail_fast API error keeps its table (status, where)")
    func failFastApiError() async throws {
        let outcome = try await ParallelHarness().run("""
            tf.parallel({'ep-001', 'missing'}, function(id) return tf.endpoints.get(id) end, {fail_fast = true})
            """)
        guard case .failure(let error) = outcome.result else { Issue.record("expected an error"); return }
        #expect(error.value["status"] == 404)
        #expect(error.value["where"] == "parallel.lua:1")
    }

    @Test("under dry-run workers resume as their answers arrive, as live: the plan has every change, every time")
    func dryRunOrder() async throws {
        // ep-001's read is the slowest, so completion order differs from item order; the plan
        // follows completion order, as the live run's requests would (issue 19, section 2).
        for _ in 0..<3 {
            let outcome = try await ParallelHarness(
                count: 10, faults: ["GET /v0/dedicated_endpoints/ep-001 latency=60ms"], dryRun: true
            ).run("""
                local eps = tf.endpoints.list()
                tf.parallel(eps, function(ep)
                  local current = tf.endpoints.get(ep.endpoint_id)
                  tf.endpoints.patch(current.endpoint_id, {scaling = {min_replicas = 0}})
                end, {concurrency = 4})
                return tf.endpoints.get('ep-001').scaling.min_replicas
                """)
            #expect(try outcome.values() == [0])
            #expect(outcome.plan.map(\.target).sorted() == (1...10).map { String(format: "ep-%03d", $0) })
            #expect(outcome.requests.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("tf calls block as before outside workers: main chunk, own coroutines, inside a worker's coroutine")
    func blockingOutsideWorkers() async throws {
        let outcome = try await ParallelHarness().run("""
            local outside = coroutine.wrap(function() return tf.endpoints.get('ep-001').name end)()
            local results = tf.parallel({'ep-002', 'ep-003'}, function(id)
              local inner = coroutine.wrap(function() return tf.endpoints.get(id).name end)
              local a = inner()
              local b = tf.endpoints.get(id).name
              return a .. '/' .. b
            end)
            return outside, results[1].value, results[2].value
            """)
        #expect(try outcome.values() == ["test-ep-001", "test-ep-002/test-ep-002", "test-ep-003/test-ep-003"])
    }

    @Test("calls under pcall inside a worker still overlap, and pcall catches their errors")
    func pcallInsideWorker() async throws {
        let outcome = try await ParallelHarness(faults: ["GET /v0/dedicated_endpoints/* latency=40ms"]).run("""
            local results = tf.parallel({'ep-001', 'gone', 'ep-003', 'ep-004'}, function(id)
              local ok, v = pcall(tf.endpoints.get, id)
              return ok and v.name or v.status
            end, {concurrency = 4})
            return results[1].value, results[2].value, results[4].value
            """)
        #expect(try outcome.values() == ["test-ep-001", 404, "test-ep-004"])
        #expect(outcome.counter.peak == 4)
    }

    @Test("a worker that calls coroutine.yield itself is resumed again; tf.sleep suspends only its worker")
    func ownYieldAndSleep() async throws {
        let outcome = try await ParallelHarness().run("""
            local results = tf.parallel({1, 2, 3}, function(n)
              coroutine.yield('ignored')
              tf.sleep(0.01)
              return n * 10
            end)
            return results[1].value, results[2].value, results[3].value
            """)
        #expect(try outcome.values() == [10, 20, 30])
    }

    @Test("tf.parallel nests: an inner call runs inside one outer worker")
    func nested() async throws {
        let outcome = try await ParallelHarness().run("""
            local outer = tf.parallel({{'ep-001', 'ep-002'}, {'ep-003'}}, function(ids)
              local inner = tf.parallel(ids, function(id) return tf.endpoints.get(id).name end)
              return #inner .. ':' .. inner[#inner].value
            end)
            return outer[1].value, outer[2].value
            """)
        #expect(try outcome.values() == ["2:test-ep-002", "1:test-ep-003"])
    }

    @Test("the timeout ends the whole run while requests are in flight; workers cannot catch it")
    func timeoutEndsRun() async throws {
        let outcome = try await ParallelHarness(faults: ["GET /v0/dedicated_endpoints/* latency=60s"], timeout: .milliseconds(300)).run("""
            local results = tf.parallel({'ep-001', 'ep-002'}, function(id)
              local ok = pcall(tf.endpoints.get, id)
              return 'caught'
            end)
            return 'finished'
            """)
        guard case .failure(let error) = outcome.result else { Issue.record("expected the timeout"); return }
        #expect(error.limit == .timeout)
        // Far below the 60 s the request in flight would take; generous for a machine loaded
        // by the rest of the suite (a hundred binaries starting on two cores).
        #expect(outcome.elapsed < .seconds(30))
    }

    @Test("an interrupt (the REPL's Ctrl-C) while requests are in flight ends the run")
    func interruptEndsRun() async throws {
        var harness = ParallelHarness(faults: ["GET /v0/dedicated_endpoints/ep-001 latency=60s"])
        harness.prepare = { state in
            let handle = state.interruptHandle
            try state.setGlobal("interrupt") { _ in handle.requestInterrupt(); return [] }
        }
        let outcome = try await harness.run("""
            tf.parallel({'ep-001', 'ep-002'}, function(id, i)
              local ep = tf.endpoints.get(id)  -- ep-001's request is still in flight after ep-002's
              if i == 2 then interrupt() end
              return ep
            end)
            return 'finished'
            """)
        guard case .failure(let error) = outcome.result else { Issue.record("expected the interrupt"); return }
        #expect(error.limit == .interrupt)
        // Far below the 60 s the request in flight would take; generous for a machine loaded
        // by the rest of the suite (a hundred binaries starting on two cores).
        #expect(outcome.elapsed < .seconds(30))
    }

    @Test("results keep the identity of what fn returned (tables, functions)")
    func resultsKeepIdentity() async throws {
        let outcome = try await ParallelHarness().run("""
            local shared = {}
            local results = tf.parallel({1, 2}, function(n)
              if n == 1 then return shared end
              return function() return 'called' end
            end)
            return results[1].value == shared, results[2].value()
            """)
        #expect(try outcome.values() == [true, "called"])
    }

    @Test("the memory limit hit inside a worker ends the run, not just the item")
    func memoryLimitEndsRun() async throws {
        let outcome = try await ParallelHarness(memoryLimit: 8 << 20).run("""
            local results = tf.parallel({'ep-001', 'ep-002'}, function(id)
              tf.endpoints.get(id)
              local t = {}
              for i = 1, 1e7 do t[i] = {i} end
            end)
            return 'finished'
            """)
        guard case .failure(let error) = outcome.result else { Issue.record("expected the memory limit"); return }
        #expect(error.limit == .memory)
    }

    @Test("a 429 with Retry-After holds every worker, not just the one that got it")
    func retryAfterIsGlobal() async throws {
        let outcome = try await ParallelHarness(count: 8, faults: ["GET /v0/dedicated_endpoints/ep-001 429 times=1 retry-after=3"]).run("""
            local ids = {}
            for i = 1, 8 do ids[i] = string.format('ep-%03d', i) end
            local results, failures = tf.parallel(ids, function(id) return tf.endpoints.get(id).name end, {concurrency = 2})
            return failures, results[1].value
            """)
        #expect(try outcome.values() == [0, "test-ep-001"])
        let limited = try #require(outcome.requests.first { $0.status == 429 })
        // Requests already past the gate when the 429 arrived may land after it (over a second
        // late under AddressSanitizer while other suites run); after that, nobody sends
        // anything until the three seconds the server asked for are over.
        let early = outcome.requests.filter {
            let delay = $0.time.timeIntervalSince(limited.time)
            return delay > 1.5 && delay < 2.8
        }
        #expect(early.isEmpty, "requests sent while the server asked to wait: \(early.map(\.path))")
        #expect(outcome.requests.count == 9)
    }

    @Test("bad arguments are validation errors naming the script line")
    func validation() async throws {
        let outcome = try await ParallelHarness().run("""
            local function try(...)
              local ok, err = pcall(function(...) tf.parallel(...) end, ...)
              return tostring(err)
            end
            return try(42, print), try({}, 'f'), try({}, print, {concurrency = 0}),
              try({}, print, {concurency = 2}), try({}, print, {fail_fast = 'yes'})
            """)
        #expect(try outcome.values() == [
            "parallel.lua:2: tf.parallel: items must be a table (an array), got number",
            "parallel.lua:2: tf.parallel: fn must be a function, got a string \"f\"",
            "parallel.lua:2: tf.parallel: options.concurrency must be an integer from 1 to 64, got 0",
            "parallel.lua:2: tf.parallel: options.concurency is not an option (use concurrency, fail_fast)",
            "parallel.lua:2: tf.parallel: options.fail_fast must be a boolean, got \"yes\"",
        ])
    }
}
