import TFScriptJSON
import TokenFactory
import Testing
import TestSupport

@Suite("EndpointSpec validation")
struct EndpointSpecValidationTests {
    private func issues(_ value: JSONValue) -> [String] {
        do {
            _ = try EndpointSpec(validating: value)
            return []
        } catch {
            #expect(error.kind == .validation)
            return error.issues.map(\.description)
        }
    }

    @Test("a complete spec is accepted and sent unchanged")
    func acceptsCompleteSpec() throws {
        let spec = try EndpointSpec(validating: sampleSpec())
        #expect(spec.body == sampleSpec())
    }

    @Test("missing required fields are each named")
    func requiresFields() {
        #expect(issues(["name": "x"]) == ["model_name is required", "flavor_name is required", "gpu_type is required"])
    }

    @Test("a region outside the allowed set is refused")
    func refusesUnknownRegion() {
        var spec = sampleSpec()
        spec = .object(spec.objectValue!.merging(["region": "mars-1"]) { $1 })
        #expect(issues(spec) == [#"region must be one of eu-north1, eu-west1, us-central1, got "mars-1""#])
    }

    @Test("gpu_count must be an integer of at least 1")
    func gpuCountRange() {
        var object = sampleSpec().objectValue!
        object["gpu_count"] = 0
        #expect(issues(.object(object)) == ["gpu_count must be an integer ≥ 1, got 0"])
    }

    @Test("an integral float is not an integer")
    func integralFloatRefused() {
        var object = sampleSpec().objectValue!
        object["gpu_count"] = .number(2.0)
        let found = issues(.object(object))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("gpu_count must be an integer ≥ 1, got 2") == true)
    }

    @Test("min_replicas above max_replicas is refused")
    func minAboveMax() {
        var object = sampleSpec().objectValue!
        object["scaling"] = ["min_replicas": 3, "max_replicas": 1]
        #expect(issues(.object(object)) == ["scaling.min_replicas must be ≤ scaling.max_replicas (1), got 3"])
    }

    @Test("negative min_replicas is refused with the path")
    func negativeMin() throws {
        var object = sampleSpec().objectValue!
        object["scaling"] = ["min_replicas": -1, "max_replicas": 1]
        let error = try #require(throws: TokenFactoryError.self) { try EndpointSpec(validating: .object(object)) }
        #expect(error.issues.first?.described(under: "spec") == "spec.scaling.min_replicas must be an integer ≥ 0, got -1")
    }

    @Test("unknown field names are refused, listing the known ones")
    func unknownField() {
        var object = sampleSpec().objectValue!
        object["gpu_cnt"] = 2
        let found = issues(.object(object))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("gpu_cnt is not a known field (known fields: name, description") == true)
    }

    @Test("enabled must be a boolean")
    func enabledBoolean() {
        var object = sampleSpec().objectValue!
        object["enabled"] = "yes"
        #expect(issues(.object(object)) == [#"enabled must be a boolean (true or false), got "yes""#])
    }

    @Test("a non-object spec is refused")
    func notAnObject() {
        #expect(issues([1, 2]).first?.hasPrefix("must be an object") == true)
    }

    @Test("the writable field list matches DESIGN.md §1")
    func writableFields() {
        #expect(EndpointFields.writable == ["name", "description", "model_name", "flavor_name", "gpu_type", "gpu_count", "region", "scaling", "enabled"])
    }
}

@Suite("EndpointPatch validation")
struct EndpointPatchValidationTests {
    @Test("region cannot be changed after creation")
    func regionRefused() throws {
        let error = try #require(throws: TokenFactoryError.self) { try EndpointPatch(validating: ["region": "eu-west1"]) }
        #expect(error.issues.map { $0.described(under: "fields") } == ["fields.region cannot be changed after creation"])
    }

    @Test("only the given fields are in the body")
    func onlyGivenFields() throws {
        let patch = try EndpointPatch(validating: ["enabled": false])
        #expect(patch.body == ["enabled": false])
        #expect(patch.fieldNames == ["enabled"])
    }

    @Test("one side of scaling alone is checked on its own")
    func partialScaling() throws {
        _ = try EndpointPatch(validating: ["scaling": ["max_replicas": 0]])
        let error = try #require(throws: TokenFactoryError.self) { try EndpointPatch(validating: ["scaling": ["min_replicas": -1]]) }
        #expect(error.issues.map(\.description) == ["scaling.min_replicas must be an integer ≥ 0, got -1"])
    }

    @Test("an empty patch is refused")
    func emptyPatch() {
        #expect(throws: TokenFactoryError.self) { try EndpointPatch(validating: [:]) }
    }

    @Test("an empty name is refused")
    func emptyName() throws {
        let error = try #require(throws: TokenFactoryError.self) { try EndpointPatch(validating: ["name": "  "]) }
        #expect(error.issues.map(\.description) == ["name must be a non-empty string"])
    }
}
