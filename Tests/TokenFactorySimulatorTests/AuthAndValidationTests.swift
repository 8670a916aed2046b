import HTTPTypes
import TFScriptJSON
import Testing
@testable import TokenFactorySimulator

@Suite("Simulator auth and validation")
struct AuthAndValidationTests {
    @Test("no bearer token is 401 with a JSON error body")
    func missingToken() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.get, "/v0/dedicated_endpoints", token: nil)
            #expect(reply.status == 401)
            #expect(reply.body?["error"]?["code"] == "unauthenticated")
        }
    }

    @Test("a wrong bearer token is 401")
    func wrongToken() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            #expect(try await harness.send(.get, "/v0/dedicated_endpoints/templates", token: "nope").status == 401)
        }
    }

    @Test("create with missing fields is 400 with one detail per field")
    func createMissingFields() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.post, "/v0/dedicated_endpoints", json: ["name": "x"])
            #expect(reply.status == 400)
            #expect(reply.body?["error"]?["code"] == "invalid_argument")
            let fields = reply.body?["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
            #expect(fields == ["model_name", "flavor_name", "gpu_type"])
        }
    }

    @Test("a body that is not JSON is 400")
    func notJSON() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.post, "/v0/dedicated_endpoints", rawBody: "{name: x}")
            #expect(reply.status == 400)
            #expect(reply.body?["error"]?["message"]?.stringValue?.contains("not valid JSON") == true)
        }
    }

    @Test("patching the region is 400")
    func patchRegion() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["region": "eu-west1"])
            #expect(reply.status == 400)
            #expect(reply.body?["error"]?["message"] == "region cannot be changed after creation")
        }
    }

    @Test("patching min_replicas above the stored max is 400")
    func patchMinAboveStoredMax() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            // ep-demo-01 has max_replicas 6.
            let reply = try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["scaling": ["min_replicas": 7]])
            #expect(reply.status == 400)
            #expect(reply.body?["error"]?["message"] == "scaling.min_replicas must be ≤ scaling.max_replicas (6), got 7")
        }
    }

    @Test("unknown ids are 404 for get, patch and delete")
    func unknownIDs() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            #expect(try await harness.send(.get, "/v0/dedicated_endpoints/ep-x").status == 404)
            #expect(try await harness.send(.patch, "/v0/dedicated_endpoints/ep-x", json: ["enabled": true]).status == 404)
            #expect(try await harness.send(.delete, "/v0/dedicated_endpoints/ep-x").status == 404)
        }
    }

    @Test("a GPU count absent from the catalogue is 422 naming the valid gpu counts")
    func noTemplate() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.post, "/v0/dedicated_endpoints", json: spec(gpuCount: 3))
            #expect(reply.status == 422)
            #expect(reply.body?["error"]?["message"]?.stringValue?.contains("gpu_count must be one of 1, 2, 4, 8") == true)
        }
    }

    @Test("a GPU type the flavor does not offer, or a region the GPU is not in, is 422 naming the choices")
    func notOffered() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let gpu = try await harness.send(.post, "/v0/dedicated_endpoints", json: [
                "name": "x", "model_name": "openai/gpt-oss-120b", "flavor_name": "base", "gpu_type": "gpu-b200-sxm",
            ])
            #expect(gpu.status == 422)
            #expect(gpu.body?["error"]?["message"]?.stringValue?.hasPrefix(
                #"gpu_type must be one of gpu-h100-sxm, gpu-h200-sxm for openai/gpt-oss-120b base, got "gpu-b200-sxm""#) == true)
            #expect(gpu.body?["error"]?["details"]?.arrayValue?.first?["field"] == "gpu_type")
            let region = try await harness.send(.post, "/v0/dedicated_endpoints", json: [
                "name": "x", "model_name": "openai/gpt-oss-120b", "flavor_name": "fast", "gpu_type": "gpu-b200-sxm", "region": "eu-north1",
            ])
            #expect(region.status == 422)
            #expect(region.body?["error"]?["message"]?.stringValue?.hasPrefix("region must be one of eu-west1, us-central1 for") == true)
        }
    }

    @Test("a create without a region goes where its template is offered")
    func defaultRegion() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.post, "/v0/dedicated_endpoints", json: [
                "name": "x", "model_name": "openai/gpt-oss-120b", "flavor_name": "fast", "gpu_type": "gpu-b200-sxm",
            ])
            #expect(reply.status == 200)
            #expect(reply.body?["region"] == "eu-west1")
            #expect(reply.body?["gpu_count"] == 1)
        }
    }

    @Test("a duplicate name is 409")
    func duplicateName() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            #expect(try await harness.send(.post, "/v0/dedicated_endpoints", json: spec(name: "prod-chat")).status == 409)
        }
    }

    @Test("a page token the server did not issue is 400")
    func badPageToken() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            #expect(try await harness.send(.get, "/v0/dedicated_endpoints?page_token=zzz").status == 400)
        }
    }

    @Test("page_size splits the list and next_page_token continues it")
    func paging() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let first = try await harness.send(.get, "/v0/dedicated_endpoints?page_size=10")
            #expect(first.body?["endpoints"]?.arrayValue?.count == 10)
            let token = try #require(first.body?["next_page_token"]?.stringValue)
            let second = try await harness.send(.get, "/v0/dedicated_endpoints?page_size=10&page_token=\(token)")
            #expect(second.body?["endpoints"]?.arrayValue?.count == 2)
            #expect(second.body?["next_page_token"] == nil)
        }
    }
}
