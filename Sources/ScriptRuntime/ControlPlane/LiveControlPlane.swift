public import JSON
public import TokenFactory

/// Reads through to the API (no mutation), for dry runs and for apply's staleness checks.
public struct APIReader: EndpointReading {
    let client: TokenFactoryClient

    public init(client: TokenFactoryClient) { self.client = client }

    public func listEndpoints() async throws -> [JSONValue] { try await client.listEndpoints().map(\.raw) }
    public func endpoint(id: String) async throws -> JSONValue { try await client.getEndpoint(id: id).raw }
    public func listTemplates() async throws -> [JSONValue] { try await client.listTemplates().map(\.raw) }
}

/// The control plane of a real run: every call goes to the API, and each mutation sent is
/// appended to the journal (when one is configured) as soon as its answer arrives.
public struct LiveControlPlane: ControlPlane {
    let reader: APIReader
    let client: TokenFactoryClient
    let journal: Journal?

    public init(client: TokenFactoryClient, journal: Journal?) {
        self.reader = APIReader(client: client)
        self.client = client
        self.journal = journal
    }

    public func listEndpoints() async throws -> [JSONValue] { try await reader.listEndpoints() }
    public func endpoint(id: String) async throws -> JSONValue { try await reader.endpoint(id: id) }
    public func listTemplates() async throws -> [JSONValue] { try await reader.listTemplates() }

    public func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue {
        try await journaled(.create, id: nil, body: spec.body) { try await client.createEndpoint(spec).raw }
    }

    public func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue {
        try await journaled(.patch, id: id, body: patch.body) { try await client.patchEndpoint(id: id, patch).raw }
    }

    public func deleteEndpoint(id: String) async throws {
        _ = try await journaled(.delete, id: id, body: nil) {
            try await client.deleteEndpoint(id: id)
            return JSONValue.null
        }
    }

    private func journaled(
        _ kind: PlanOperation.Kind, id: String?, body: JSONValue?, _ send: () async throws -> JSONValue
    ) async throws -> JSONValue {
        do {
            let result = try await send()
            try journal?.record(operation: kind, id: id, body: body, outcome: .succeeded(result: result.isNull ? nil : result))
            return result
        } catch {
            let status = (error as? TokenFactoryError)?.status
            try journal?.record(operation: kind, id: id, body: body, outcome: .failed(status: status, message: String(describing: error)))
            throw error
        }
    }
}
