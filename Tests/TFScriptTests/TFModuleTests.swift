import Testing
import TestSupport
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

/// The `tf` module in-process through `ScriptEngine` against a simulator the test owns, so
/// assertions can read the server's request log.
struct TFModuleTests {
    @Test("list returns every endpoint with the API's fields plus endpoint_id and state")
    func list() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local eps = tf.endpoints.list()
            print(#eps, eps[1].endpoint_id, eps[1].state, eps[1].scaling.max_replicas, math.type(eps[1].gpu_count))
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "12\tep-demo-01\trunning\t6\tinteger\n")
    }

    @Test("list follows pagination to the end")
    func pagination() async throws {
        let api = try await SimulatedEngine.start(pageSize: 5)
        defer { Task { await api.stop() } }
        let result = try await api.run("print(#tf.endpoints.list())")
        #expect(result.stdout == "12\n", "\(result.stderr)")
        #expect(await api.requestCount() == 3)
    }

    @Test("list filters by glob, region, state and enabled")
    func listFilter() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            print(#tf.endpoints.list{name = "test-*"})
            print(#tf.endpoints.list{name = "test-*", enabled = true})
            print(#tf.endpoints.list{region = "eu-west1", state = "running"})
            """)
        #expect(result.stdout == "5\n3\n3\n", "\(result.stderr)")
    }

    @Test("get of an unknown id raises an api error with status 404 that pcall can inspect")
    func getNotFound() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ok, err = pcall(function() return tf.endpoints.get("ep-nope") end)
            print(ok, err.kind, err.status, err.method, err.path, err.retryable)
            print(tostring(err))
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "false\tapi\t404\tGET\t/v0/dedicated_endpoints/ep-nope\tfalse")
        #expect(lines.last?.contains("script.lua:1: tf.endpoints.get: GET /v0/dedicated_endpoints/ep-nope: HTTP 404") == true)
    }

    @Test("create, patch and delete change the fleet and return the API's answers")
    func mutations() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ep = tf.endpoints.create{name = "new-one", model_name = "openai/gpt-oss-20b", flavor_name = "base",
              gpu_type = "gpu-h100-sxm", gpu_count = 1, region = "eu-west1"}
            print(ep.name, ep.endpoint_id ~= nil, ep.routing_key ~= nil)
            local patched = tf.endpoints.patch(ep.endpoint_id, {scaling = {min_replicas = 0, max_replicas = 3}})
            print(patched.scaling.min_replicas, patched.scaling.max_replicas)
            print(tf.endpoints.delete(ep.endpoint_id))
            local ok, err = pcall(function() return tf.endpoints.get(ep.endpoint_id) end)
            print(ok, err.status)
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "new-one\ttrue\ttrue\n0\t3\ntrue\nfalse\t404\n")
        #expect(await api.mutatingRequests().map { $0.split(separator: " ").first.map(String.init)! } == ["POST", "PATCH", "DELETE"])
    }

    @Test("patch sends only the given fields")
    func patchBody() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        _ = try await api.run(#"tf.endpoints.patch("ep-demo-01", {enabled = false})"#)
        let patch = await api.simulator.requestLog().first { $0.method == "PATCH" }
        #expect(patch?.body == ["enabled": false])
    }

    @Test("bad arguments raise validation errors naming function and argument, and send nothing",
          arguments: [
            (#"tf.endpoints.patch("ep-demo-01", {region = "eu-west1"})"#, "tf.endpoints.patch: fields.region cannot be changed after creation"),
            (#"tf.endpoints.patch("ep-demo-01", {gpu_count = 0})"#, "tf.endpoints.patch: fields.gpu_count must be an integer ≥ 1, got 0"),
            (#"tf.endpoints.patch("ep-demo-01", {colour = "red"})"#, "tf.endpoints.patch: fields.colour is not a known field"),
            (#"tf.endpoints.create{name = "x"}"#, "tf.endpoints.create: spec.model_name is required"),
            (#"tf.endpoints.create{name = "x", model_name = "m", flavor_name = "base", gpu_type = "g", region = "mars"}"#, "tf.endpoints.create: spec.region must be one of"),
            (#"tf.endpoints.get(42)"#, "tf.endpoints.get: id must be an endpoint id (a non-empty string) or an endpoint table, got number"),
            (#"tf.endpoints.delete()"#, "tf.endpoints.delete: id must be an endpoint id (a non-empty string) or an endpoint table, got no value"),
            (#"tf.endpoints.list{regoin = "x"}"#, "tf.endpoints.list: filter.regoin is not a filter key"),
            (#"tf.endpoints.wait("ep-demo-01", "running", {timout = 1})"#, "tf.endpoints.wait: options.timout is not an option"),
            (#"tf.sleep(-1)"#, "tf.sleep: seconds must be a number ≥ 0"),
          ])
    func validation(call: String, message: String) async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ok, err = pcall(function() \(call) end)
            print(err.kind)
            print(tostring(err))
            """)
        #expect(result.stdout.hasPrefix("validation\n"), "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("script.lua:1: \(message)"), "\(result.stdout)\(result.stderr)")
        #expect(await api.requestCount() == 0)
    }

    @Test("get, patch, delete and wait take an endpoint table as well as its id")
    func endpointTables() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ep = tf.endpoints.list{name = "test-scratch"}[1]
            print(tf.endpoints.get(ep).name)
            print(tf.endpoints.patch(ep, {description = "d"}).description)
            print(tf.endpoints.wait({id = ep.endpoint_id}, "stopped").state)
            print(tf.endpoints.delete(ep))
            print(select(2, pcall(tf.endpoints.get, {name = "x"})).message)
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            test-scratch
            d
            stopped
            true
            tf.endpoints.get: id must be an endpoint id or an endpoint table, got a table without endpoint_id or id

            """)
        #expect(await api.mutatingRequests() == ["PATCH /v0/dedicated_endpoints/ep-demo-08", "DELETE /v0/dedicated_endpoints/ep-demo-08"])
    }

    @Test("wait reports each poll (with the endpoint's name) and its end to the progress sink")
    func waitProgress() async throws {
        let api = try await SimulatedEngine.start(speed: 1)
        defer { Task { await api.stop() } }
        let reports = Recorder<WaitProgress>()
        let simulator = api.simulator
        // Starting takes 30 simulated seconds: after two polls the test moves the clock on.
        let result = try await api.run("""
            tf.endpoints.patch("ep-demo-04", {enabled = true})
            tf.endpoints.wait("ep-demo-04", "running", {interval = 0.05, timeout = 60})
            tf.endpoints.wait("ep-demo-04", "running")
            """, { options in
                options.waitProgress = { report in
                    reports.append(report)
                    if report.phase == .waiting, reports.all.count == 2 { Task { await simulator.advanceClock(by: 60) } }
                }
            })
        #expect(result.status == 0, "\(result.stderr)")
        let first = reports.all.filter { $0.waitID == reports.all.first?.waitID }
        #expect(first.count >= 2)
        #expect(first.dropLast().allSatisfy { $0.phase == .waiting && $0.state == "starting" && $0.name == "test-llama-eval" })
        #expect(first.last?.phase == .reached && first.last?.state == "running" && first.last?.endpoint == "test-llama-eval (ep-demo-04)")
        // Each report carries the replicas (ready of desired) and the wait's timeout, for the time left.
        #expect(first.first?.readyReplicas == 0 && first.first?.desiredReplicas != nil)
        #expect(first.first?.timeout == .seconds(60))
        #expect(first.first.flatMap(\.remaining).map { $0 <= .seconds(60) && $0 > .seconds(50) } == true)
        // A wait that ends at its first poll reports only its end.
        let second = reports.all.filter { $0.waitID != first[0].waitID }
        #expect(second.map(\.phase) == [.reached])
    }

    @Test("an uncaught API error exits 4 with the script line and a traceback")
    func uncaughtAPIError() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("\ntf.endpoints.get('ep-nope')")
        #expect(result.status == 4)
        #expect(result.stderr.contains("script.lua:2: tf.endpoints.get: GET /v0/dedicated_endpoints/ep-nope: HTTP 404"))
        #expect(result.stderr.contains("stack traceback:"))
    }

    @Test("an uncaught validation error exits 1 like any script error")
    func uncaughtValidationError() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("tf.endpoints.get('')")
        #expect(result.status == 1)
    }

    @Test("a transport failure is a transport error (exit 4), and the token never shows")
    func transportError() async throws {
        // Fast retries: the test is about the error, not the back-off.
        let engine = try await ScriptEngine(controlPlane: .api(TokenFactoryClient.Configuration(
            baseURL: "http://127.0.0.1:9", token: "secret-token-123",
            retry: .init(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), totalBudget: .seconds(5)))))
        let result = await engine.run(.text("""
            local ok, err = pcall(function() return tf.endpoints.list() end)
            print(err.kind, err.retryable)
            tf.endpoints.list()
            """, name: "s.lua"))
        try await engine.shutdown()
        #expect(result.output == "transport\ttrue\n")
        #expect(result.exitCode == 4)
        #expect(result.error?.contains("secret-token-123") == false)
    }

    @Test("wait returns once the endpoint is running")
    func waitRunning() async throws {
        let api = try await SimulatedEngine.start(speed: 100)
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ep = tf.endpoints.patch("ep-demo-04", {enabled = true})
            local ready = tf.endpoints.wait(ep.endpoint_id, "running", {timeout = 30, interval = 0.2})
            print(ready.state)
            """)
        #expect(result.stdout == "running\n", "\(result.stderr)")
    }

    @Test("wait raises a timeout error naming the endpoint (name and id) and the last state when time runs out")
    func waitTimeout() async throws {
        let api = try await SimulatedEngine.start(speed: 1)
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.endpoints.patch("ep-demo-04", {enabled = true})
            local ok, err = pcall(function() return tf.endpoints.wait("ep-demo-04", "running", {timeout = 0.3, interval = 0.1}) end)
            print(err.kind, err.message)
            """)
        #expect(result.stdout == "timeout\ttf.endpoints.wait: endpoint \"test-llama-eval\" (ep-demo-04) did not reach running within 0.3s (last state: starting)\n", "\(result.stderr)")
    }

    @Test("wait for deleted returns true once the endpoint is gone")
    func waitDeleted() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.endpoints.delete("ep-demo-08")
            print(tf.endpoints.wait("ep-demo-08", "deleted", {timeout = 5, interval = 0.1}))
            """)
        #expect(result.stdout == "true\n", "\(result.stderr)")
    }

    @Test("templates.list returns the catalogue with prices")
    func templates() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ts = tf.templates.list()
            print(#ts > 0, type(ts[1].model_name), type(ts[1].price_per_hour))
            """)
        #expect(result.stdout == "true\tstring\ttable\n", "\(result.stderr)")
    }

    @Test("a script changing its own tf table cannot turn dry-run off or break the host's Lua code")
    func scriptOwnsItsTable() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local patch = tf.endpoints.patch
            tf.dry_run = false
            tf.endpoints.patch = function() error('replaced') end
            print(pcall(tf.endpoints.patch, 'x', {}))
            coroutine.resume, coroutine.create = nil, nil
            local eps = tf.endpoints.list()
            local results = tf.parallel(eps, function(ep) return patch(ep.endpoint_id, {enabled = false}).enabled end)
            print(#results, results[1].value)
            """, { $0.dryRun = true })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("false\t"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("\tfalse\n"), "\(result.stdout)")
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("tf.sleep pauses and counts against --timeout, which pcall cannot catch")
    func sleepTimeout() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("print(pcall(tf.sleep, 30)); print('after')", { $0.timeout = .milliseconds(300) })
        #expect(result.status == 3)
        #expect(result.stderr.contains("timeout of 300ms exceeded"))
        #expect(!result.stdout.contains("after"))
    }
}
