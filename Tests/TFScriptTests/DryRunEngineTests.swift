import Foundation
import Testing
import TestSupport
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

/// Dry-run semantics in-process: nothing is sent, later reads see recorded changes, and the
/// example scripts change nothing.
struct DryRunEngineTests {
    static var examplesFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
    }

    static let exampleScripts = [
        "nightly-scale-down.lua", "morning-scale-up.lua", "cleanup-disabled.lua", "fleet-report.lua",
        "create-from-template.lua", "hello.lua",
    ]

    @Test("every example script sends zero mutating requests under dry-run", arguments: exampleScripts)
    func examplesSendNoMutation(name: String) async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let script = Self.examplesFolder.appendingPathComponent(name).path
        let before = await api.simulator.endpoints()
        var options = ScriptOptions()
        options.dryRun = true
        let result = await api.engine.run(.file(script), options: options)
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        #expect(await api.mutatingRequests().isEmpty)
        #expect(await api.simulator.endpoints() == before)
    }

    @Test("the fleet is unchanged after a dry run that planned changes")
    func fleetUnchanged() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let before = await api.simulator.endpoints()
        let result = try await api.run("""
            for _, ep in ipairs(tf.endpoints.list()) do tf.endpoints.patch(ep.endpoint_id, {description = "changed"}) end
            tf.endpoints.delete("ep-demo-01")
            """, { $0.dryRun = true })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(await api.simulator.endpoints() == before)
        let kinds = result.result.plan?.operations.map(\.kind.rawValue) ?? []
        #expect(kinds.filter { $0 == "patch" }.count == 12 && kinds.filter { $0 == "delete" }.count == 1)
    }

    @Test("later reads see earlier recorded changes")
    func overlay() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            print(tf.dry_run)
            tf.endpoints.patch("ep-demo-01", {scaling = {min_replicas = 0}})
            local ep = tf.endpoints.get("ep-demo-01")
            print(ep.scaling.min_replicas, ep.scaling.max_replicas)
            tf.endpoints.delete("ep-demo-02")
            print(#tf.endpoints.list(), select(2, pcall(tf.endpoints.get, "ep-demo-02")).status)
            local new = tf.endpoints.create{name = "n", model_name = "openai/gpt-oss-20b", flavor_name = "base",
              gpu_type = "gpu-h100-sxm", region = "eu-north1"}
            print(new.endpoint_id, new.state, #tf.endpoints.list())
            print(tf.endpoints.patch(new.endpoint_id, {enabled = false}).enabled)
            """, { $0.dryRun = true })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "true\n0\t6\n11\t404\nplanned-1\tplanned\t12\nfalse\n")
    }
}
