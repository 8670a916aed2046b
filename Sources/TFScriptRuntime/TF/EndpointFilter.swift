import TFScriptJSON

/// `tf.endpoints.list{name=, region=, state=, enabled=}`: keeps endpoints matching every key.
///
/// Checked before any request is sent: a misspelt key (`regoin`) is an error, not a filter
/// that silently matches everything — a nightly job that scales down "everything matching"
/// must never widen by accident.
struct EndpointFilter: Sendable {
    static let keys = ["name", "region", "state", "enabled"]

    var name: GlobPattern?
    var region: String?
    var state: String?
    var enabled: Bool?

    init() {}

    /// Reads the filter argument (`nil` or an object). Problems are reported as
    /// `filter.<key> must be …`.
    init(json: JSONValue?) throws(FilterError) {
        guard let json, !json.isNull else { return }
        guard let members = json.objectValue else {
            throw FilterError("filter must be a table like {name = \"test-*\"}, got \(json.kindDescription)")
        }
        for key in members.keys.sorted() where !Self.keys.contains(key) {
            throw FilterError("filter.\(key) is not a filter key (use \(Self.keys.joined(separator: ", ")))")
        }
        if let pattern = try Self.string(members, "name") {
            guard pattern.count <= GlobPattern.maxLength else {
                throw FilterError("filter.name is longer than \(GlobPattern.maxLength) characters (a name pattern like \"test-*\")")
            }
            name = GlobPattern(pattern)
        }
        region = try Self.string(members, "region")
        state = try Self.string(members, "state")?.lowercased()
        if let value = members["enabled"] {
            guard let flag = value.boolValue else {
                throw FilterError("filter.enabled must be a boolean, got \(value.kindDescription)")
            }
            enabled = flag
        }
    }

    private static func string(_ members: [String: JSONValue], _ key: String) throws(FilterError) -> String? {
        guard let value = members[key] else { return nil }
        guard let text = value.stringValue else {
            throw FilterError("filter.\(key) must be a string, got \(value.kindDescription)")
        }
        return text
    }

    /// `endpoint` is the raw JSON object; `state` its normalized state.
    func matches(_ endpoint: JSONValue, state endpointState: String?) -> Bool {
        matches(name: endpoint["name"]?.stringValue, region: endpoint["region"]?.stringValue,
                enabled: endpoint["enabled"]?.boolValue, state: endpointState)
    }

    /// The same test on fields read out of a decoded Lua table. Each field is read only when
    /// the filter tests it: an unfiltered list of 10,000 endpoints reads none.
    func matches(
        name endpointName: @autoclosure () -> String?, region endpointRegion: @autoclosure () -> String?,
        enabled endpointEnabled: @autoclosure () -> Bool?, state endpointState: String?
    ) -> Bool {
        if let state, endpointState != state { return false }
        if let region, endpointRegion() != region { return false }
        if let enabled, endpointEnabled() != enabled { return false }
        if let name, !name.matches(endpointName() ?? "") { return false }
        return true
    }

    struct FilterError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
