import Foundation
import Testing
import TestSupport
import TFScript
import TFScriptTesting

/// `TFScriptTesting` as a host application's tests use it (issue 23, section 3): a script run
/// against a simulator, inspected; then the same run recorded and replayed from a cassette.
struct ScriptTestbedTests {
    static let script = "for _, ep in ipairs(tf.endpoints.list{name = 'test-*', enabled = true}) do tf.endpoints.patch(ep, {enabled = false}) end"

    @Test("a run against a simulator: the result, the requests, the fleet, a fault")
    func simulator() async throws {
        let bed = try await ScriptTestbed.simulator()
        let result = await bed.run(.text(Self.script))
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        let patches = try await bed.requests().filter { $0.method == "PATCH" }
        #expect(patches.map(\.path) == ["/v0/dedicated_endpoints/ep-demo-07", "/v0/dedicated_endpoints/ep-demo-11", "/v0/dedicated_endpoints/ep-demo-12"])
        #expect(patches.first?.body == ["enabled": false])
        #expect(try await bed.endpoints().first { $0["endpoint_id"] == "ep-demo-07" }?["enabled"] == false)
        try await bed.addFault("GET /v0/dedicated_endpoints 403")
        let failed = await bed.run(.text("tf.endpoints.list()"))
        #expect(failed.exitCode == 4)
        await bed.shutdown()
    }

    @Test("a dry run against an inline fleet, then the same script answered from a cassette with no server; a replay has no simulator state")
    func replay() async throws {
        let bed = try await ScriptTestbed.simulator(fleet: [[
            "endpoint_id": "ep-1", "name": "test-one", "status": "running", "enabled": true, "region": "eu-west1",
            "model_name": "openai/gpt-oss-20b", "flavor_name": "base", "gpu_type": "gpu-h100-sxm", "gpu_count": 1,
            "scaling": ["min_replicas": 1, "max_replicas": 1],
        ]])
        let simulated = try await bed.requests()
        #expect(simulated.isEmpty)
        var options = ScriptOptions()
        options.dryRun = true
        let live = await bed.run(.text(Self.script), options: options)
        #expect(live.plan?.operations.count == 1)
        await bed.shutdown()

        // A cassette written by hand: what `tfscript run --record` writes (docs/cassettes.md).
        let path = FaultRig.temporaryPath("cassette.json")
        let endpoint: JSONValue = [
            "endpoint_id": "ep-1", "name": "test-one", "status": "running", "enabled": true,
            "scaling": ["min_replicas": 1, "max_replicas": 1],
        ]
        let recorded: JSONValue = [
            "format": "tfscript-cassette", "format_version": 1, "base_url": "https://api.tokenfactory.nebius.com",
            "exchanges": [
                ["method": "GET", "path": "/v0/dedicated_endpoints", "status": 200, "response_body": ["endpoints": [endpoint]]],
                // A dry run reads the endpoint before planning its patch.
                ["method": "GET", "path": "/v0/dedicated_endpoints/ep-1", "status": 200, "response_body": endpoint],
            ],
        ]
        try Data(recorded.serializedBytes()).write(to: URL(fileURLWithPath: path))
        let replay = try await ScriptTestbed.replaying(cassette: path)
        let planned = await replay.run(.text(Self.script), options: options)
        #expect(planned.exitCode == 0, "\(planned.error ?? "")")
        #expect(planned.plan?.operations.map(\.target) == ["ep-1"])
        await #expect(throws: ScriptTestbed.Failure.self) { _ = try await replay.requests() }
        await replay.shutdown()
    }
}
