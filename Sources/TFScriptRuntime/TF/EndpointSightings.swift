import Synchronization
public import TFScriptJSON

/// The endpoints a live run has read, as the server last described them: where a change line
/// (`~ patched "web" (ep-1): scaling.min_replicas 1 → 0`) finds the value before the change
/// without an extra request. A patch of an endpoint the run never read shows the new value
/// only (`scaling.min_replicas → 0`); nothing is guessed.
///
/// Only the writable fields and the name are kept, from what the server sent, never from the
/// script's tables (a script may edit those).
///
/// Listing costs nothing here: a list page's bytes are kept as they came (the newest
/// ``maxRetainedPageBytes`` of them) and parsed only when the run asks for an endpoint it has
/// not otherwise seen, that is when it makes a change. Extracting every listed endpoint as it
/// was decoded made a 10,000-endpoint listing 2.6 times slower (214 ms against 83 ms); a
/// read-only run now pays nothing, and a run that changes something parses its retained
/// pages once. Bounded: an endpoint whose fields take more than ``maxEntryBytes`` is not kept,
/// and past ``maxEntries`` the oldest half is forgotten.
public final class EndpointSightings: Sendable {
    static let maxEntries = 4096
    static let maxEntryBytes = 2048
    static let maxRetainedPageBytes = 4 << 20

    private struct Store {
        var byID: [String: (order: Int, fields: JSONValue)] = [:]
        var next = 0
        /// List pages not parsed yet, oldest first: their bodies and the items' range.
        var pages: [(body: [UInt8], items: Range<Int>)] = []
        var pageBytes = 0
    }

    private let store = Mutex(Store())

    public init() {}

    /// The endpoint's writable fields and name as last read, or nil.
    public func fields(of id: String) -> JSONValue? {
        store.withLock { store in
            if let hit = store.byID[id] { return hit.fields }
            // Index the retained pages, newest first, until one lists the endpoint. What the
            // run saw directly (a get, a change's answer) stays ahead of an older page's copy.
            while let page = store.pages.popLast() {
                store.pageBytes -= page.items.count
                guard case .array(let items)? = try? JSONValue(parsing: page.body[page.items]) else { continue }
                for item in items {
                    guard let itemID = Self.id(of: item), store.byID[itemID] == nil else { continue }
                    Self.insert(id: itemID, fields: Self.writableFields(of: item), into: &store)
                }
                if let hit = store.byID[id] { return hit.fields }
            }
            return nil
        }
    }

    /// Keeps a list page for ``fields(of:)`` (the newest pages, up to ``maxRetainedPageBytes``).
    public func retain(page body: [UInt8], items: Range<Int>) {
        guard items.count <= Self.maxRetainedPageBytes else { return }
        store.withLock { store in
            store.pages.append((body, items))
            store.pageBytes += items.count
            while store.pageBytes > Self.maxRetainedPageBytes, !store.pages.isEmpty {
                store.pageBytes -= store.pages.removeFirst().items.count
            }
        }
    }

    /// Remembers an endpoint object the server returned (a get, a change's answer).
    public func record(_ endpoint: JSONValue) {
        guard let id = Self.id(of: endpoint) else { return }
        record(id: id, fields: Self.writableFields(of: endpoint))
    }

    /// Remembers the fields of endpoint `id` (the caller took them from the server's answer).
    public func record(id: String, fields: JSONValue) {
        store.withLock { Self.insert(id: id, fields: fields, into: &$0) }
    }

    /// Forgets a deleted endpoint.
    public func forget(_ id: String) {
        _ = store.withLock { $0.byID.removeValue(forKey: id) }
    }

    private static func id(of endpoint: JSONValue) -> String? {
        (endpoint["endpoint_id"] ?? endpoint["id"])?.stringValue
    }

    private static func writableFields(of endpoint: JSONValue) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for name in WritableFields.names {
            if let value = endpoint[name] { fields[name] = value }
        }
        return .object(fields)
    }

    private static func insert(id: String, fields: JSONValue, into store: inout Store) {
        guard fields.serializedPrefix(maxBytes: maxEntryBytes).count <= maxEntryBytes else {
            store.byID.removeValue(forKey: id)
            return
        }
        if store.byID[id] == nil, store.byID.count >= maxEntries {
            let cutoff = store.next - maxEntries / 2
            store.byID = store.byID.filter { $0.value.order >= cutoff }
        }
        store.byID[id] = (store.next, fields)
        store.next += 1
    }
}
