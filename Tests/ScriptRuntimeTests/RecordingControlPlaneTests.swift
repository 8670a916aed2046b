import TFScriptJSON
import TFScriptRuntime
import TokenFactory
import Testing

/// A fixed fleet to read from. It implements reads only: the recording control plane under
/// test cannot write, which is the property these tests rely on.
private struct FixedFleet: EndpointReading {
    var endpoints: [JSONValue]
    func listEndpoints() async throws -> [JSONValue] { endpoints }
    func endpoint(id: String) async throws -> JSONValue {
        guard let found = endpoints.first(where: { $0["endpoint_id"]?.stringValue == id }) else { throw NotFound(id: id) }
        return found
    }
    func listTemplates() async throws -> [JSONValue] { [] }
}

private struct NotFound: Error, Equatable { var id: String }

struct RecordingControlPlaneTests {
    private func spec(named name: String) throws -> EndpointSpec {
        try EndpointSpec(validating: [
            "name": .string(name), "model_name": "openai/gpt-oss-20b", "flavor_name": "base",
            "gpu_type": "gpu-h100-sxm", "region": "eu-north1",
        ])
    }

    private func makePlane() -> RecordingControlPlane {
        let fleet = FixedFleet(endpoints: [
            ["endpoint_id": "ep-1", "name": "a", "enabled": true, "scaling": ["min_replicas": 1, "max_replicas": 2]],
            ["endpoint_id": "ep-2", "name": "b", "enabled": true],
        ])
        return RecordingControlPlane(reader: fleet, notFound: { NotFound(id: $0) })
    }

    @Test("a patch is visible to later reads and merges nested scaling")
    func patchOverlay() async throws {
        let plane = makePlane()
        _ = try await plane.patchEndpoint(id: "ep-1", EndpointPatch(validating: ["scaling": ["min_replicas": 0]]))
        let read = try await plane.endpoint(id: "ep-1")
        #expect(read["scaling"] == ["min_replicas": 0, "max_replicas": 2])
        let listed = try await plane.listEndpoints()
        #expect(listed.first?["scaling"]?["min_replicas"] == 0)
    }

    @Test("a deleted endpoint disappears from list and get answers not found")
    func deleteOverlay() async throws {
        let plane = makePlane()
        try await plane.deleteEndpoint(id: "ep-2")
        #expect(try await plane.listEndpoints().count == 1)
        await #expect(throws: NotFound(id: "ep-2")) { try await plane.endpoint(id: "ep-2") }
    }

    @Test("a create is listed under a placeholder id and can be patched later in the plan")
    func createOverlay() async throws {
        let plane = makePlane()
        let created = try await plane.createEndpoint(spec(named: "c"))
        #expect(created["endpoint_id"] == "planned-1")
        #expect(try await plane.listEndpoints().last?["name"] == "c")
        _ = try await plane.patchEndpoint(id: "planned-1", EndpointPatch(validating: ["enabled": false]))
        let operations = plane.recordedOperations
        #expect(operations.map(\.kind) == [.create, .patch])
        #expect(operations[1].before?["name"] == "c")
    }

    @Test("a patch that changes nothing is not recorded")
    func noOpPatch() async throws {
        let plane = makePlane()
        _ = try await plane.patchEndpoint(id: "ep-1", EndpointPatch(validating: ["enabled": true]))
        #expect(plane.recordedOperations.isEmpty)
    }

    /// An endpoint whose description is NFC "café" and whose max_replicas is 2^53.
    private func exactPlane() -> RecordingControlPlane {
        let fleet = FixedFleet(endpoints: [[
            "endpoint_id": "ep-1", "name": "a", "description": .string("caf\u{E9}"),
            "scaling": ["min_replicas": 0, "max_replicas": .integer(1 << 53)],
        ]])
        return RecordingControlPlane(reader: fleet, notFound: { NotFound(id: $0) })
    }

    @Test("a string that differs only in Unicode normalization is a change the plan shows")
    func normalizationIsAChange() async throws {
        let plane = exactPlane()
        let decomposed = "cafe\u{301}"
        #expect(decomposed == "caf\u{E9}", "Swift's == calls them equal: the trap")
        _ = try await plane.patchEndpoint(id: "ep-1", EndpointPatch(validating: ["description": .string(decomposed)]))
        let operations = plane.recordedOperations
        #expect(operations.count == 1)
        #expect(operations.first?.body?["description"]?.stringValue.map { Array($0.utf8) } == Array(decomposed.utf8))
    }

    @Test("integers past 2^53 are compared exactly: 2^53 to 2^53+1 is a change")
    func largeIntegerIsAChange() async throws {
        let plane = exactPlane()
        _ = try await plane.patchEndpoint(id: "ep-1", EndpointPatch(validating: ["scaling": ["max_replicas": .integer((1 << 53) + 1)]]))
        let operations = plane.recordedOperations
        #expect(operations.count == 1)
        #expect(operations.first?.after?["scaling"]?["max_replicas"] == .integer((1 << 53) + 1))
    }

    @Test("exactly equal values, nested too, are still no change")
    func exactlyEqualIsNoChange() async throws {
        let plane = exactPlane()
        _ = try await plane.patchEndpoint(id: "ep-1", EndpointPatch(validating: [
            "description": .string("caf\u{E9}"), "scaling": ["max_replicas": .integer(1 << 53), "min_replicas": 0],
        ]))
        #expect(plane.recordedOperations.isEmpty)
    }

    @Test("staleness compares as exactly: a renormalized or off-by-one value is a difference, 2 and 2.0 are not")
    func stalenessIsExact() {
        let before: JSONValue = ["description": .string("caf\u{E9}"), "scaling": ["max_replicas": .integer(1 << 53), "min_replicas": 2]]
        let now: JSONValue = ["description": .string("cafe\u{301}"), "scaling": ["max_replicas": .integer((1 << 53) + 1), "min_replicas": 2.0]]
        let paths = WritableFields.differences(before: before, now: now).map(\.path)
        #expect(paths == ["description", "scaling.max_replicas"])
        #expect(WritableFields.differences(before: before, now: before).isEmpty)
    }

    @Test("operations are recorded in the order the script made them")
    func order() async throws {
        let plane = makePlane()
        _ = try await plane.patchEndpoint(id: "ep-2", EndpointPatch(validating: ["enabled": false]))
        try await plane.deleteEndpoint(id: "ep-1")
        _ = try await plane.createEndpoint(spec(named: "z"))
        #expect(plane.recordedOperations.map(\.target) == ["ep-2", "ep-1", "planned-1"])
    }
}
