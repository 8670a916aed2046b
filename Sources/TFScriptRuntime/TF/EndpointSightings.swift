import Synchronization
public import TFScriptJSON

/// The endpoints a live run has read, as the server last described them: where a change line
/// (`~ patched "web" (ep-1): scaling.min_replicas 1 → 0`) finds the value before the change
/// without an extra request. A patch of an endpoint the run never read shows the new value
/// only (`scaling.min_replicas → 0`); nothing is guessed.
///
/// Only the writable fields and the name are kept (what a change line can show), from what the
/// server sent, never from the script's tables (a script may edit those). Bounded, because a
/// list of the whole fleet passes through here: an endpoint whose fields take more than
/// ``maxEntryBytes`` is not kept, and past ``maxEntries`` the oldest half is forgotten (a
/// change usually follows the read that found its target).
public final class EndpointSightings: Sendable {
    static let maxEntries = 4096
    static let maxEntryBytes = 2048

    private struct Store {
        var byID: [String: (order: Int, fields: JSONValue)] = [:]
        var next = 0
    }

    private let store = Mutex(Store())

    public init() {}

    /// The endpoint's writable fields and name as last read, or nil.
    public func fields(of id: String) -> JSONValue? {
        store.withLock { $0.byID[id]?.fields }
    }

    /// Remembers an endpoint object the server returned (a get, a change's answer).
    public func record(_ endpoint: JSONValue) {
        guard let id = (endpoint["endpoint_id"] ?? endpoint["id"])?.stringValue else { return }
        var fields: [String: JSONValue] = [:]
        for name in WritableFields.names {
            if let value = endpoint[name] { fields[name] = value }
        }
        record(id: id, fields: .object(fields))
    }

    /// Remembers the fields of endpoint `id` (the caller took them from the server's answer).
    public func record(id: String, fields: JSONValue) {
        guard fields.serializedPrefix(maxBytes: Self.maxEntryBytes).count <= Self.maxEntryBytes else {
            forget(id)
            return
        }
        store.withLock { store in
            if store.byID[id] == nil, store.byID.count >= Self.maxEntries {
                let cutoff = store.next - Self.maxEntries / 2
                store.byID = store.byID.filter { $0.value.order >= cutoff }
            }
            store.byID[id] = (store.next, fields)
            store.next += 1
        }
    }

    /// Forgets a deleted endpoint (or one whose fields could not be kept).
    public func forget(_ id: String) {
        _ = store.withLock { $0.byID.removeValue(forKey: id) }
    }
}
