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
///
/// The engine sends every change through ``perform(_:target:body:)``. Its default calls the
/// three typed methods for create, patch and delete and refuses any other operation, so a
/// custom plane implements those three and keeps compiling when the engine gains an operation
/// (it then refuses the new one until it implements `perform`).
public protocol EndpointWriting: Sendable {
    func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue
    func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue
    func deleteEndpoint(id: String) async throws
    /// Performs `operation` on endpoint `target` (nil for a create) with `body` (already
    /// validated by the operation; nil when it takes none). Returns the API's answer (the
    /// endpoint, for create and patch), nil when there is none (a delete).
    func perform(_ operation: EndpointOperation, target: String?, body: JSONValue?) async throws -> JSONValue?
}

extension EndpointWriting {
    /// Create, patch and delete through the typed methods; any other operation is refused
    /// (a `TokenFactoryError` of kind `configuration`: nothing was sent).
    public func perform(_ operation: EndpointOperation, target: String?, body: JSONValue?) async throws -> JSONValue? {
        switch operation {
        case .create: return try await createEndpoint(EndpointSpec(validating: body ?? .null))
        case .patch: return try await patchEndpoint(id: target ?? "", EndpointPatch(validating: body ?? .null))
        case .delete:
            try await deleteEndpoint(id: target ?? "")
            return nil
        default:
            throw TokenFactoryError(
                kind: .configuration,
                message: "\(operation.luaFunction): this control plane does not support the operation (it implements create, patch and delete only); nothing was sent")
        }
    }
}

/// A plane of this package: it implements ``EndpointWriting/perform(_:target:body:)`` for every
/// operation, and its typed methods are that one path.
package protocol OperationPerformingPlane: ControlPlane {}

extension OperationPerformingPlane {
    public func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue {
        try await perform(.create, target: nil, body: spec.body) ?? .null
    }

    public func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue {
        try await perform(.patch, target: id, body: patch.body) ?? .null
    }

    public func deleteEndpoint(id: String) async throws {
        _ = try await perform(.delete, target: id, body: nil)
    }
}

/// Everything the `tf` module calls; live runs and dry runs provide different ones.
///
/// ## The error contract
///
/// A custom plane (`ScriptEngine(controlPlane:)`) throws what the API client throws, because
/// scripts and the engine branch on it:
/// - **`TokenFactoryError` with `kind: .api` and `status: 404`** from `endpoint(id:)` when the
///   endpoint does not exist. The engine relies on exactly this: `tf.endpoints.wait(id,
///   "deleted")` ends when the read answers 404, `apply` calls a target gone when its re-read
///   does (a stale plan; on resume, a delete already done), and scripts test `err.status == 404`.
///   Any other error from that read is passed on as a failure.
/// - **`kind: .api` with the HTTP `status`** for other refusals (409 for a duplicate name, 400 or
///   422 for an invalid change): they reach the script as `err.kind == "api"` and `err.status`,
///   and a live plane's journal records them `failed`.
/// - **`kind: .validation`** (with `issues`) for input refused before anything was sent:
///   journaled `failed` with "not sent".
/// - **`kind: .transport`** (or any error that is not a `TokenFactoryError`) when the outcome is
///   unknown (no answer), and **`kind: .decoding`** for an answer that cannot be read: both
///   journaled `unknown`, since the change may have been applied.
/// - **`kind: .limit`** when a response would not fit what is left of the run's memory limit.
/// - Cancellation: honour it (the run's timeout and interrupts cancel the calling task) and
///   throw; the engine then reports the limit, not your error.
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
