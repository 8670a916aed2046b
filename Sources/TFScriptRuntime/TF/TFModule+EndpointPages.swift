import TFScriptJSON
import TFScriptLuaHost
import TokenFactory
import Synchronization

/// `tf.endpoints.list` and `tf.endpoints.each`: list pages decoded straight into Lua.
///
/// A page's bytes go from the HTTP client to the C JSON decoder, which builds the Lua tables
/// under the script's memory budget; each endpoint is then normalized (`endpoint_id`, `state`)
/// and filtered in place, with raw access. No Swift copy of the items is ever made, and each
/// page's bytes are dropped once decoded. The client fetches the next page meanwhile.
extension TFModule {
    /// Lua half of `tf.endpoints.each`: an iterator over the host's page cursors. Installed
    /// before the script loads; removes its primitives from `tf.endpoints`.
    static let eachSource = #"""
local endpoints = tf.endpoints
local open, page = rawget(endpoints, "_open"), rawget(endpoints, "_page")
rawset(endpoints, "_open", nil)
rawset(endpoints, "_page", nil)
-- tf.endpoints.each([filter]) -> iterator over endpoints, one page in memory at a time
function endpoints.each(filter)
  local cursor = open(filter)
  local items, i = nil, 0
  return function()
    while true do
      if items ~= nil then
        i = i + 1
        local item = items[i]
        if item ~= nil then return item end
      end
      if cursor == nil then return nil end
      items, i = page(cursor), 0
      if items == nil then cursor = nil return nil end
    end
  end
end
"""#

    /// `tf.endpoints.list` and the host part of `tf.endpoints.each` (its iterator is Lua).
    static let endpointPagesParts: [LuaHostLibrary.Part] = [
        .module(["tf", "endpoints"], functions: [
            "list": { call in try serving(call).list(call) },
            "_open": { call in try serving(call).openCursor(call) },
            "_page": { call in try serving(call).page(call) },
        ]),
        .chunk(eachSource, name: "=tf.endpoints.each"),
    ]

    private func list(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.endpoints.list"
        let filter = try Self.filter(call, function: function)
        let planes = context.controlPlanes
        var result = try call.returnNewArray(metatable: LuaJSON.arrayMarker)
        if HostBridge.suspends(call) {
            // A worker's call is replayed after each wait: read every page in one.
            let pages = try api(function, call) {
                let source = await planes.current.endpointPages()
                var pages: [ListPageBytes] = []
                while let page = try await source.next() { pages.append(page) }
                return pages
            }
            for page in pages { try Self.append(page, to: &result, filter: filter, function: function, sightings: liveSightings) }
        } else {
            let source = try api(function, call) { await planes.current.endpointPages() }
            while let page = try api(function, call, { try await source.next() }) {
                try Self.append(page, to: &result, filter: filter, function: function, sightings: liveSightings)
            }
        }
        return []
    }

    private func openCursor(_ call: LuaHostCall) throws -> [LuaValue] {
        let filter = try Self.filter(call, function: "tf.endpoints.each")
        let planes = context.controlPlanes, cursors = endpointCursors
        let source = try api("tf.endpoints.each", call) { await planes.current.endpointPages() }
        return [.integer(Int64(cursors.open(source, filter: filter)))]
    }

    private func page(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.endpoints.each"
        let cursors = endpointCursors
        guard let id = try call.argument(1).integerValue, let cursor = cursors[Int(id)] else {
            throw ScriptError.validation(function, "this iterator was closed: at most \(EndpointCursors.maxOpen) can be open at once")
        }
        guard let page = try api(function, call, { try await cursor.source.next() }) else {
            cursors.close(Int(id))
            return [.nil]
        }
        var result = try call.returnNewArray(metatable: LuaJSON.arrayMarker)
        try Self.append(page, to: &result, filter: cursor.filter, function: function, sightings: liveSightings)
        return []
    }

    private static func filter(_ call: LuaHostCall, function: String) throws -> EndpointFilter {
        do {
            let json = call.argumentCount >= 1 && call.typeName(of: 1) != "nil"
                ? try Arguments.json(call, 1, name: "filter", function: function) : nil
            return try EndpointFilter(json: json)
        } catch let error as EndpointFilter.FilterError {
            throw ScriptError.validation(function, error.message)
        }
    }

    /// Decodes a page's items into `result`, normalizing each endpoint and keeping those the
    /// filter matches.
    private static func append(
        _ page: ListPageBytes, to result: inout LuaResultArray, filter: EndpointFilter, function: String, sightings: EndpointSightings?
    ) throws {
        guard let items = page.items else { return }
        sightings?.retain(page: page.body, items: items)
        let failure = try result.appendDecoded(
            page.body[items], arrayMetatable: LuaJSON.arrayMarker, objectMetatable: LuaJSON.objectMarker
        ) { endpoint in
            let state = try EndpointView.normalize(&endpoint)
            return filter.matches(
                name: endpoint.string("name"), region: endpoint.string("region"),
                enabled: endpoint.boolean("enabled"), state: state)
        }
        if let failure {
            throw ScriptError(kind: .api, message: "\(function): the API's list page is not valid JSON (\(failure.message) at byte \(failure.offset))")
        }
    }
}

/// The open `tf.endpoints.each` iterators of one run, by number. An iterator abandoned before
/// its end (a `break`) stays open; past ``maxOpen`` the oldest is closed, so a loop that keeps
/// opening iterators cannot hold unbounded pages.
final class EndpointCursors: Sendable {
    static let maxOpen = 64

    struct Cursor: Sendable {
        var source: any EndpointPageSource
        var filter: EndpointFilter
    }

    private struct Table {
        var next = 1
        var open: [Int: Cursor] = [:]
    }
    private let table = Mutex(Table())

    func open(_ source: any EndpointPageSource, filter: EndpointFilter) -> Int {
        table.withLock { table in
            let id = table.next
            table.next += 1
            table.open[id] = Cursor(source: source, filter: filter)
            if table.open.count > Self.maxOpen, let oldest = table.open.keys.min() { table.open[oldest] = nil }
            return id
        }
    }

    subscript(id: Int) -> Cursor? { table.withLock { $0.open[id] } }

    func close(_ id: Int) { table.withLock { _ = $0.open.removeValue(forKey: id) } }
}
