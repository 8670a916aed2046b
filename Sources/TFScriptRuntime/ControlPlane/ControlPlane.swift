public import TFScriptJSON
public import TokenFactory

/// The reads a script can make. Results are the API's JSON objects, unchanged, so Lua sees
/// every field the server sent.
public protocol EndpointReading: Sendable {
    func listEndpoints() async throws -> [JSONValue]
    func endpoint(id: String) async throws -> JSONValue
    func listTemplates() async throws -> [JSONValue]
}

/// The changes a script can make. Inputs are validated types, so nothing unvalidated can be
/// sent or recorded.
///
/// Kept apart from `EndpointReading` so that dry-run is safe by construction: the recording
/// control plane is given a reader only, and has nothing it could send a change through.
public protocol EndpointWriting: Sendable {
    func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue
    func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue
    func deleteEndpoint(id: String) async throws
}

/// Everything the `tf` module calls; live runs and dry runs provide different ones.
public typealias ControlPlane = EndpointReading & EndpointWriting
