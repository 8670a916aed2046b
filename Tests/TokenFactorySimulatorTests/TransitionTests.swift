import HTTPTypes
import TFScriptJSON
import Testing
@testable import TokenFactorySimulator

@Suite("Simulator state transitions")
struct TransitionTests {
    private func state(_ harness: RouterHarness, _ id: String) async throws -> String? {
        try await harness.send(.get, "/v0/dedicated_endpoints/\(id)").body?["status"]?.stringValue
    }

    @Test("create starts, then runs")
    func createStartsThenRuns() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let created = try await harness.send(.post, "/v0/dedicated_endpoints", json: spec())
            #expect(created.status == 200)
            #expect(created.body?["status"] == "starting")
            let id = try #require(created.body?["endpoint_id"]?.stringValue)
            #expect(created.body?["routing_key"]?.stringValue?.isEmpty == false)
            await harness.advance(31)
            #expect(try await state(harness, id) == "running")
        }
    }

    @Test("disabling stops, then is stopped; enabling starts again")
    func disableThenEnable() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let stopping = try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["enabled": false])
            #expect(stopping.body?["status"] == "stopping")
            await harness.advance(11)
            #expect(try await state(harness, "ep-demo-01") == "stopped")
            let starting = try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["enabled": true])
            #expect(starting.body?["status"] == "starting")
            await harness.advance(31)
            #expect(try await state(harness, "ep-demo-01") == "running")
        }
    }

    @Test("a scaling change updates, then runs, keeping the other bound")
    func scalingUpdates() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let updating = try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["scaling": ["max_replicas": 3]])
            #expect(updating.body?["status"] == "updating")
            #expect(updating.body?["scaling"] == ["min_replicas": 2, "max_replicas": 3])
            await harness.advance(21)
            #expect(try await state(harness, "ep-demo-01") == "running")
        }
    }

    @Test("speed makes transitions faster")
    func speedFactor() async throws {
        try await RouterHarness.run(speed: 100) { (harness: RouterHarness) async throws in
            let created = try await harness.send(.post, "/v0/dedicated_endpoints", json: spec())
            let id = try #require(created.body?["endpoint_id"]?.stringValue)
            await harness.advance(0.31)
            #expect(try await state(harness, id) == "running")
        }
    }

    @Test("delete is permanent")
    func deletePermanent() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            #expect(try await harness.send(.delete, "/v0/dedicated_endpoints/ep-demo-05").status == 204)
            #expect(try await harness.send(.get, "/v0/dedicated_endpoints/ep-demo-05").status == 404)
        }
    }
}
