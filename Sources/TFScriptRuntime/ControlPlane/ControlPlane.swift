public import TFScriptJSON
public import TokenFactory
import Synchronization

/// The reads a script can make. Results are the API's JSON objects, unchanged, so Lua sees
/// every field the server sent.
public protocol EndpointReading: Sendable {
    func listEndpoints() async throws -> [JSONValue]
    func endpoint(id: String) async throws -> JSONValue
    func listTemplates() async throws -> [JSONValue]
    /// The endpoint list page by page, as JSON text (has a default: one page of ``listEndpoints()``).
    func endpointPages() async -> any EndpointPageSource
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

/// The endpoint list, one page at a time, as JSON text: what `tf.endpoints.list` and
/// `tf.endpoints.each` decode straight into Lua tables.
public protocol EndpointPageSource: Sendable {
    /// The next page, or nil after the last.
    func next() async throws -> ListPageBytes?
}

extension ListPageReader: EndpointPageSource {}

extension EndpointReading {
    /// The endpoint list page by page. The default is one page holding ``listEndpoints()``
    /// (custom control planes need not page); the API reader pages with prefetch.
    public func endpointPages() async -> any EndpointPageSource {
        WholeListPageSource(reader: self)
    }
}

/// One page made of a reader's whole list, read at the first call.
final class WholeListPageSource: EndpointPageSource {
    private let reader: any EndpointReading
    private let done = Mutex(false)

    init(reader: any EndpointReading) { self.reader = reader }

    func next() async throws -> ListPageBytes? {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return nil }
        return ListPageBytes(items: try await reader.listEndpoints())
    }
}
