public import TFScriptJSON
public import TokenFactory

/// The control plane of a run that has no API token: scripts that never call the API still
/// run; every call fails with the same configuration error, which says how to fix it.
public struct UnconfiguredControlPlane: OperationPerformingPlane {
    let error: TokenFactoryError

    public init(error: TokenFactoryError) { self.error = error }

    public func listEndpoints() async throws -> [JSONValue] { throw error }
    public func endpoint(id: String) async throws -> JSONValue { throw error }
    public func listTemplates() async throws -> [JSONValue] { throw error }
    public func perform(_ operation: EndpointOperation, target: String?, body: JSONValue?) async throws -> JSONValue? { throw error }
}
