import Testing
import TestSupport
import TFScript
import TokenFactorySimulator

/// `tf.endpoints.list` and `tf.endpoints.each` read list pages straight into Lua: the same
/// results as before for every response shape, one page in memory at a time for `each`.
struct EndpointPagesTests {
    @Test("each visits every endpoint across pages, with the same filter and fields as list")
    func eachMatchesList() async throws {
        let api = try await SimulatedEngine.start(pageSize: 5)
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local seen = {}
            for ep in tf.endpoints.each{name = "test-*"} do seen[#seen + 1] = ep.endpoint_id .. "=" .. ep.state end
            local listed = {}
            for _, ep in ipairs(tf.endpoints.list{name = "test-*"}) do listed[#listed + 1] = ep.endpoint_id .. "=" .. ep.state end
            print(#seen, table.concat(seen, ",") == table.concat(listed, ","))
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "5\ttrue\n")
        #expect(await api.requestCount() == 6)  // 3 pages each
    }

    @Test("list inside tf.parallel workers reads every page in one wait, and each works there too")
    func listInWorkers() async throws {
        let api = try await SimulatedEngine.start(pageSize: 5)
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local results = tf.parallel({"test-*", "prod-*", "*"}, function(pattern)
              local n = 0
              for _ in tf.endpoints.each{name = pattern} do n = n + 1 end
              return #tf.endpoints.list{name = pattern} .. "/" .. n
            end, {concurrency = 3})
            local out = {}
            for i, r in ipairs(results) do out[i] = r.value end
            print(table.concat(out, " "))
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "5/5 4/4 12/12\n")
    }

    @Test("breaking out of each early reads at most the page after the current one")
    func eachIsLazy() async throws {
        let api = try await SimulatedEngine.start(pageSize: 2)
        defer { Task { await api.stop() } }
        let result = try await api.run("for ep in tf.endpoints.each() do print(ep.endpoint_id) break end")
        #expect(result.stdout == "ep-demo-01\n", "\(result.stderr)")
        #expect(await api.requestCount() <= 2)
    }

    @Test("each checks its filter before any request", arguments: [
        ("tf.endpoints.each{regoin = 'x'}", "filter.regoin is not a filter key"),
        ("tf.endpoints.each(5)", "filter must be a table"),
    ])
    func eachValidates(source: String, message: String) async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run(source)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(await api.requestCount() == 0)
    }

    @Test("a fleet too big to list under the memory limit can still be walked with each")
    func eachRunsInBoundedMemory() async throws {
        // 3,000 endpoints with 1.5 KB descriptions: about 6 MB as Lua tables, over a 4 MB limit;
        // one page of 100 is about 200 KB. Few endpoints, so the simulator's work stays small.
        let fleet = (1...3_000).map { FaultRig.endpoint("ep-\($0)", ["description": .string(String(repeating: "d", count: 1_500))]) }
        let api = try await SimulatedEngine.start(fleet: fleet, pageSize: 100)
        defer { Task { await api.stop() } }
        let listed = try await api.run("print(#tf.endpoints.list())") { $0.memoryLimit = 4 << 20 }
        #expect(listed.status == 3, "\(listed.stderr)")
        #expect(listed.stderr.contains("memory limit"), "\(listed.stderr)")
        let walked = try await api.run("""
            local n, running = 0, 0
            for ep in tf.endpoints.each() do n = n + 1; if ep.state == "running" then running = running + 1 end end
            print(n, running)
            """) { $0.memoryLimit = 4 << 20 }
        #expect(walked.status == 0, "\(walked.stderr)")
        #expect(walked.stdout == "3000\t3000\n")
    }

    @Test("every list shape the API may use gives endpoint_id and a normalized state")
    func listShapes() async throws {
        let pages = [
            #"{"items": [{"id": "a", "name": "one", "status": "RUNNING"}], "next_page_token": "p2"}"#,
            #"{"data": [{"id": "b", "name": "two", "deployment": {"status": "STATE_STOPPED"}}], "nextPageToken": "p3"}"#,
            #"{"dedicated_endpoints": [{"endpoint_id": "c", "id": "other", "state": {"phase": "Updating"}}]}"#,
        ]
        let server = try FaultServer { request, index in
            let page = request.path.contains("page_token=p3") ? 2 : request.path.contains("page_token=p2") ? 1 : 0
            return .respond(status: 200, headers: [("Content-Type", "application/json")], body: Array(pages[page].utf8))
        }
        defer { server.stop() }
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        let result = await engine.run(.text("""
            local out = {}
            for _, ep in ipairs(tf.endpoints.list()) do out[#out + 1] = ep.endpoint_id .. ":" .. tostring(ep.state) end
            for ep in tf.endpoints.each{state = "stopped"} do out[#out + 1] = "each " .. ep.endpoint_id end
            print(table.concat(out, " "))
            """, name: "script.lua"))
        try await engine.shutdown()
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        // A state that is an object is left as the API sent it (a table), as before.
        #expect(result.output.hasPrefix("a:running b:stopped c:tf.json.object: "), "\(result.output)")
        #expect(result.output.hasSuffix(" each b\n"), "\(result.output)")
    }
}
