import TFScriptJSON
import TokenFactory
import TokenFactorySimulator
import Testing
import TestSupport

@Suite("Client operations against the simulator")
struct ClientOperationTests {
    @Test("list returns the whole demo fleet")
    func listDemoFleet() async throws {
        try await withSimulator { _, client in
            let endpoints = try await client.listEndpoints()
            #expect(endpoints.count == 12)
            #expect(Set(endpoints.compactMap(\.region)) == ["eu-north1", "eu-west1", "us-central1"])
            #expect(endpoints.contains { $0.enabled == false && $0.state == "stopped" })
        }
    }

    @Test("list follows next_page_token across pages")
    func pagination() async throws {
        try await withSimulator(.init(speed: .infinity, pageSize: 5)) { simulator, client in
            let endpoints = try await client.listEndpoints()
            #expect(endpoints.count == 12)
            #expect(Set(endpoints.map(\.id)).count == 12)
            let log = await simulator.requestLog()
            #expect(log.map { $0.query["page_token"] } == [nil, "o5", "o10"])
        }
    }

    @Test("get returns one endpoint with typed views and raw fields")
    func get() async throws {
        try await withSimulator { _, client in
            let endpoint = try await client.getEndpoint(id: "ep-demo-01")
            #expect(endpoint.id == "ep-demo-01")
            #expect(endpoint.name == "prod-chat")
            #expect(endpoint.state == "running")
            #expect(endpoint.scaling == Scaling(minReplicas: 2, maxReplicas: 6))
            #expect(endpoint.raw["ready_replicas"] != nil)
        }
    }

    @Test("get of an unknown id is an api error with status 404")
    func getMissing() async throws {
        try await withSimulator { _, client in
            let error = await captureError { _ = try await client.getEndpoint(id: "ep-nope") }
            #expect(error?.kind == .api)
            #expect(error?.status == 404)
            #expect(error?.path == "/v0/dedicated_endpoints/ep-nope")
            #expect(error?.method == "GET")
            #expect(error?.retryable == false)
            #expect(error?.description.contains("Check the endpoint id") == true)
        }
    }

    @Test("create sends exactly the spec and returns the new endpoint")
    func create() async throws {
        try await withSimulator(.init(speed: 1)) { simulator, client in
            let endpoint = try await client.createEndpoint(try EndpointSpec(validating: sampleSpec()))
            #expect(endpoint.name == "test-new")
            #expect(endpoint.state == "starting")
            #expect(endpoint.routingKey?.isEmpty == false)
            let log = await simulator.requestLog()
            #expect(log.count == 1)
            #expect(log.first?.method == "POST")
            #expect(log.first?.body == sampleSpec())
        }
    }

    @Test("patch sends only the given fields")
    func patchOnlyGivenFields() async throws {
        try await withSimulator { simulator, client in
            let endpoint = try await client.patchEndpoint(id: "ep-demo-01", try EndpointPatch(validating: ["scaling": ["min_replicas": 0]]))
            #expect(endpoint.scaling == Scaling(minReplicas: 0, maxReplicas: 6))
            let log = await simulator.requestLog()
            #expect(log.map(\.method) == ["PATCH"])
            #expect(log.first?.body == ["scaling": ["min_replicas": 0]])
        }
    }

    @Test("delete removes the endpoint")
    func delete() async throws {
        try await withSimulator { _, client in
            try await client.deleteEndpoint(id: "ep-demo-02")
            let error = await captureError { _ = try await client.getEndpoint(id: "ep-demo-02") }
            #expect(error?.status == 404)
        }
    }

    @Test("templates list the catalogue with prices")
    func templates() async throws {
        try await withSimulator { _, client in
            let templates = try await client.listTemplates()
            #expect(templates.count == TemplateCatalogue.builtIn.count)
            let cheapest = templates.filter { $0.modelName == "openai/gpt-oss-120b" }.min { ($0.pricePerHour ?? .infinity) < ($1.pricePerHour ?? .infinity) }
            #expect(cheapest?.gpuType == "gpu-h100-sxm")
            #expect(cheapest?.gpuCount == 1)
        }
    }

    @Test("an invalid endpoint id sends no request")
    func invalidIDSendsNothing() async throws {
        try await withSimulator { simulator, client in
            let error = await captureError { _ = try await client.getEndpoint(id: "../templates") }
            #expect(error?.kind == .validation)
            #expect(await simulator.requestLog().isEmpty)
        }
    }

    @Test("a wrong token is a 401 api error that does not show the token")
    func wrongToken() async throws {
        let simulator = try await TokenFactorySimulator.start(configuration: .init(token: "right-token"))
        let client = try TokenFactoryClient(configuration: .init(baseURL: simulator.baseURL, token: "wrong-token-secret"))
        let error = await captureError { _ = try await client.listEndpoints() }
        #expect(error?.status == 401)
        #expect(error?.description.contains("wrong-token-secret") == false)
        try await client.shutdown()
        await simulator.shutdown()
    }
}

@Suite("Tolerance of response shapes")
struct ResponseShapeTests {
    @Test("bare arrays, items/data keys, id and the different state fields", arguments: [
        ResponseShape(listKey: nil, idKey: "id", state: .state),
        ResponseShape(listKey: "items", idKey: "endpoint_id", state: .deploymentStatus),
        ResponseShape(listKey: "data", idKey: "id", state: .statusObject),
    ])
    func shapes(_ shape: ResponseShape) async throws {
        try await withSimulator(.init(speed: .infinity, pageSize: 5, shape: shape)) { _, client in
            let endpoints = try await client.listEndpoints()
            #expect(endpoints.count == 12)
            let first = try #require(endpoints.first { $0.id == "ep-demo-01" })
            #expect(first.state == "running")
            #expect(first.raw[shape.idKey]?.stringValue == "ep-demo-01")
            #expect(try await client.getEndpoint(id: "ep-demo-04").state == "stopped")
            #expect(try await client.listTemplates().isEmpty == false)
        }
    }

    @Test("unknown fields are kept in raw")
    func unknownFieldsKept() async throws {
        let fleet: [JSONValue] = [["endpoint_id": "ep-x", "name": "x", "future_field": ["nested": [1, 2]]]]
        try await withSimulator(.init(fleet: fleet, speed: .infinity)) { _, client in
            let endpoint = try await client.getEndpoint(id: "ep-x")
            #expect(endpoint.raw["future_field"] == ["nested": [1, 2]])
        }
    }
}
