import Testing
import TestSupport
import TFScript

/// `tf.show` in scripts (the same table as the REPL's), and the values a run returns.
struct ShowTests {
    @Test("tf.show prints records as an aligned table on the script's output, nested paths allowed")
    func show() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            print("before")
            tf.show(tf.endpoints.list{name = "prod-*", region = "eu-north1"}, {"name", "state", "scaling.max_replicas"})
            tf.show({{a = 1}, {a = 22, b = print}})
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            before
            name               state    scaling.max_replicas
            -----------------  -------  --------------------
            prod-chat          running  6
            prod-embed-search  running  4
            a   b
            --  --------
            1
            22  function

            """)
    }

    @Test("tf.show counts against the output cap like print")
    func outputCap() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("tf.show(tf.endpoints.list())", { $0.maxOutput = 100 })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.result.outputTruncated)
        #expect(result.stdout.utf8.count == 100)
    }

    @Test("tf.show refuses what is not a list of records, naming the problem", arguments: [
        ("tf.show('x')", "tf.show: rows must be a table (an array of records, e.g. tf.endpoints.list()), got a string \"x\""),
        ("tf.show({1, 2})", "tf.show: rows: item 1 is a number, not a record (a table with named fields)"),
        ("tf.show({}, 'name')", "tf.show: columns must be an array of field names like {\"name\", \"scaling.max_replicas\"}, got a string \"name\""),
        ("tf.show({}, {'name', 3})", "tf.show: columns must be an array of field names like {\"name\", \"scaling.max_replicas\"}; columns[2] is a number"),
    ])
    func refused(call: String, message: String) async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("local ok, err = pcall(function() \(call) end) print(err.kind, err.message)")
        #expect(result.stdout == "validation\t\(message)\n", "\(result.stderr)")
    }

    @Test("returned values come back as JSON; one JSON cannot hold is named in valueProblems")
    func values() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let one = try await api.run("return {n = 1, list = tf.json.array({})}")
        #expect(one.result.values == [["n": 1, "list": []]])
        #expect(one.result.valueProblems.isEmpty)
        let bad = try await api.run("return 1, {f = print}")
        #expect(bad.result.values == [1, "table"])
        #expect(bad.result.valueProblems == ["result[2].f is a function, which has no JSON form"])
    }
}
