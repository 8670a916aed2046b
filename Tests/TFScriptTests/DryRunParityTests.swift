import Foundation
import Synchronization
import TestSupport
import TFScript
import TFScriptJSON
import Testing

/// Issue 19, section 2: a dry run plans what the live run would do. Each test runs the same
/// script against the same server state twice, dry and live, and compares the plan's
/// operations with the mutations the live run sent.
struct DryRunParityTests {
    @Test("tf.parallel with fail_fast: workers whose reads came back first reach their changes in a dry run as they do live")
    func parallelFailFast() async throws {
        let ids = ["ep-1", "ep-2", "ep-3", "ep-4"]
        let fleet = FakeFleet(ids)
        // ep-1's read fails, and only once the other workers have reached their deletes:
        // live, the server has received their DELETEs; in a dry run, the reads of their
        // `before` snapshots (a second GET of each). No clock is involved.
        let seen = Mutex<[String: Int]>([:])
        let others = ["ep-2", "ep-3", "ep-4"]
        let server = try FaultServer { request, _ in
            let id = String(request.path.split(separator: "/").last ?? "")
            seen.withLock { $0["\(request.method) \(id)", default: 0] += 1 }
            if request.method == "GET", id == "ep-1" {
                return .after({
                    for _ in 0..<1000 {
                        let ready = seen.withLock { seen in
                            others.allSatisfy { seen["DELETE \($0)", default: 0] >= 1 || seen["GET \($0)", default: 0] >= 2 }
                        }
                        if ready { return }
                        usleep(10_000)
                    }
                }, .json(404, ["error": ["message": "not found"]]))
            }
            return fleet.answer(request)
        }
        defer { server.stop() }
        let script = """
            local ids = {"ep-1", "ep-2", "ep-3", "ep-4"}
            tf.parallel(ids, function(id)
              tf.endpoints.get(id)
              tf.endpoints.delete(id)
            end, {concurrency = 4, fail_fast = true})
            """
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        var dry = ScriptOptions()
        dry.dryRun = true
        let planned = await engine.run(.text(script, name: "script.lua"), options: dry)
        seen.withLock { $0.removeAll() }
        let live = await engine.run(.text(script, name: "script.lua"), options: ScriptOptions())
        try await engine.shutdown()

        #expect(planned.exitCode == live.exitCode, "dry: \(planned.error ?? "") live: \(live.error ?? "")")
        let plannedDeletes = (planned.plan?.operations ?? []).filter { $0.kind == .delete }.map(\.target).sorted()
        let sentDeletes = server.log.filter { $0.method == "DELETE" }.map { String($0.path.split(separator: "/").last!) }.sorted()
        #expect(sentDeletes == ["ep-2", "ep-3", "ep-4"])
        #expect(plannedDeletes == sentDeletes)
    }

    @Test("a string in another Unicode normalization and an integer past 2^53 are planned as the live run sends them")
    func exactValues() async throws {
        // The server holds NFC "café" and 2^53; the script writes NFD "café" and 2^53 + 1.
        let fleet = FakeFleet(endpoints: [FaultRig.endpoint("ep-1", [
            "description": .string("caf\u{E9}"), "scaling": ["min_replicas": 0, "max_replicas": .integer(1 << 53)],
        ])])
        let server = try FaultServer { request, _ in fleet.answer(request) }
        defer { server.stop() }
        let script = """
            tf.endpoints.patch("ep-1", {description = "cafe\\u{301}"})
            tf.endpoints.patch("ep-1", {scaling = {max_replicas = 9007199254740993}})
            """
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        var dry = ScriptOptions()
        dry.dryRun = true
        let planned = await engine.run(.text(script, name: "script.lua"), options: dry)
        let live = await engine.run(.text(script, name: "script.lua"), options: ScriptOptions())
        try await engine.shutdown()

        #expect(planned.exitCode == 0 && live.exitCode == 0, "dry: \(planned.error ?? "") live: \(live.error ?? "")")
        let plannedBodies = (planned.plan?.operations ?? []).compactMap { $0.body.map { $0.serializedBytes() } }
        let sentBodies = server.log.filter { $0.method == "PATCH" }.compactMap { $0.json?.serializedBytes() }
        #expect(sentBodies.count == 2)
        #expect(plannedBodies == sentBodies, "planned \(plannedBodies.map { String(decoding: $0, as: UTF8.self) }) sent \(sentBodies.map { String(decoding: $0, as: UTF8.self) })")
        #expect(sentBodies.first.map { Array(String(decoding: $0, as: UTF8.self).utf8) }?.contains(0xCC) == true, "NFD bytes sent as written")
    }
}
