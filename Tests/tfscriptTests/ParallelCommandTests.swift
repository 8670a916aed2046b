import TestSupport
import Foundation
import TFScriptJSON
import Testing

/// `tf.parallel` through the real binary and the built-in simulator.
@Suite(.serialized)
struct ParallelCommandTests {
    func run(_ source: String, _ flags: [String]) async throws -> (TFScriptProcess.Result, URL) {
        let url = try TFScriptProcess.writeTemporaryFile(named: "parallel.lua", contents: source)
        return (try await TFScriptProcess.run(["run"] + flags + [url.path], currentDirectory: url.deletingLastPathComponent()), url)
    }

    @Test("results print in item order and the run exits 0")
    func resultsInOrder() async throws {
        let (result, _) = try await run("""
            local eps = tf.endpoints.list()
            local results, failures = tf.parallel(eps, function(ep) return tf.endpoints.get(ep.endpoint_id).name end, {concurrency = 4})
            for i, r in ipairs(results) do assert(r.value == eps[i].name) end
            print(#results, failures)
            """, ["--simulator"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "12\t0\n")
    }

    @Test("an uncaught fail_fast API error exits 4 and names the script line")
    func failFastExitCode() async throws {
        let (result, _) = try await run("""
            tf.parallel({'ep-missing'}, function(id) return tf.endpoints.get(id) end, {fail_fast = true})
            """, ["--simulator"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("parallel.lua:1: tf.endpoints.get:"))
        #expect(result.stderr.contains("404"))
    }

    @Test("--dry-run --plan-out lists every worker's change (in the order they completed, as live)")
    func dryRunPlanOrder() async throws {
        let folder = try TFScriptProcess.writeTemporaryFile(named: "placeholder", contents: "").deletingLastPathComponent()
        let planPath = folder.appendingPathComponent("plan.json").path
        let (result, _) = try await run("""
            local eps = tf.endpoints.list()
            tf.parallel(eps, function(ep)
              local current = tf.endpoints.get(ep.endpoint_id)
              tf.endpoints.patch(current.endpoint_id, {description = 'checked ' .. current.name})
            end, {concurrency = 5})
            local order = {}
            for _, ep in ipairs(eps) do order[#order + 1] = ep.endpoint_id end
            print(table.concat(order, ','))
            """, ["--simulator", "--dry-run", "--plan-out", planPath])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init)
        let plan = try JSONValue(parsing: Array(Data(contentsOf: URL(fileURLWithPath: planPath))))
        let targets = plan["operations"]?.arrayValue?.compactMap { $0["target"]?.stringValue } ?? []
        #expect(targets.count == 12)
        #expect(targets.sorted() == expected.sorted())
    }
}
