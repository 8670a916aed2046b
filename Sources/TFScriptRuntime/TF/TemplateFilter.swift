import TFScriptJSON
import TokenFactory

/// `tf.templates.list{model_name=, flavor_name=, gpu_type=, region=}`: keeps templates matching
/// every key (`region`: the template is offered there).
///
/// Checked before any request, like ``EndpointFilter``: a misspelt key is an error, not a
/// filter that silently keeps everything.
struct TemplateFilter: Sendable {
    static let keys = ["model_name", "flavor_name", "gpu_type", "region"]

    private var wanted: [String: String] = [:]

    init() {}

    /// Reads the filter argument (`nil` or an object); problems read `filter.<key> must be …`.
    init(json: JSONValue?) throws(EndpointFilter.FilterError) {
        guard let json, !json.isNull else { return }
        guard let members = json.objectValue else {
            throw .init("filter must be a table like {model_name = \"openai/gpt-oss-20b\"}, got \(json.kindDescription)")
        }
        for key in members.keys.sorted() {
            guard Self.keys.contains(key) else {
                throw .init("filter.\(key) is not a filter key (use \(Self.keys.joined(separator: ", ")))")
            }
            guard let text = members[key]?.stringValue else {
                throw .init("filter.\(key) must be a string, got \(members[key]!.kindDescription)")
            }
            wanted[key] = text
        }
    }

    func matches(_ template: JSONValue) -> Bool {
        wanted.allSatisfy { key, value in
            if key == "region" { return (try? Template(raw: template))?.regions.contains(value) ?? false }
            return template[key]?.stringValue == value
        }
    }
}
