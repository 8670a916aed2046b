import TFScriptJSON
import TFScriptLuaHost
import TokenFactory

extension TFModule {
    /// `tf.templates.list([filter])` and `tf.templates.spec(template [, fields])`.
    static let templatesParts: [LuaHostLibrary.Part] = [
        .module(["tf", "templates"], functions: [
            "list": { call in try serving(call).templates(call) },
            "spec": { call in try serving(call).templateSpec(call) },
        ]),
    ]

    private func templates(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.templates.list"
        let filter: TemplateFilter
        do {
            let json = call.argumentCount >= 1 && call.typeName(of: 1) != "nil"
                ? try Arguments.json(call, 1, name: "filter", function: function) : nil
            filter = try TemplateFilter(json: json)
        } catch let error as EndpointFilter.FilterError {
            throw ScriptError.validation(function, error.message)
        }
        let templates = try catalogue(function, call).templates.filter(filter.matches)
        return [.table(LuaTable(array: templates.map(LuaJSON.luaValue), metatableName: LuaJSON.arrayMarker))]
    }

    /// The run's template catalogue (read once, then cached; see ``TemplateCache``).
    func catalogue(_ function: String, _ call: LuaHostCall) throws -> TemplateCache.Catalogue {
        let cache = templateCache, planes = context.controlPlanes
        return try api(function, call) { try await cache.catalogue(from: planes.current) }
    }

    /// Refuses a create the catalogue does not offer (a GPU type its flavor lacks, a region its
    /// GPU is not in) before anything is sent, in dry-run and live runs alike, naming the
    /// valid choices: the API would answer 422.
    func checkAgainstCatalogue(_ body: JSONValue, _ function: String, _ argument: String, _ call: LuaHostCall) throws {
        guard let issue = try catalogue(function, call).offers.issue(for: body) else { return }
        throw ScriptError.validation(function, issue.described(under: argument))
    }

    /// The template fields a create copies: what to run, on which GPUs.
    static let templateSpecFields = ["model_name", "flavor_name", "gpu_type", "gpu_count"]

    /// `tf.templates.spec(template [, fields])`: a create spec from a catalogue entry (a table
    /// from `tf.templates.list`, or its `template_id`), with `fields` added on top (they win).
    /// The template's region is copied only when it offers exactly one.
    private func templateSpec(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.templates.spec"
        let template: Template
        if call.typeName(of: 1) == "string" {
            let id = try Arguments.string(call, 1, name: "template", function: function)
            guard let found = try catalogue(function, call).offers.templates.first(where: { $0.id == id }) else {
                throw ScriptError.validation(function, "no template has the id \"\(id)\" (tf.templates.list() lists them)")
            }
            template = found
        } else {
            guard let fields = try Arguments.object(call, 1, name: "template", function: function),
                  let entry = try? Template(raw: .object(fields))
            else { throw ScriptError.validation(function, "template must be a table from tf.templates.list() or a template id") }
            template = entry
        }
        for field in ["model_name", "flavor_name", "gpu_type"] where template.raw[field]?.stringValue == nil {
            throw ScriptError.validation(function, "template.\(field) must be a string: pass an entry of tf.templates.list()")
        }
        let overrides = try Arguments.object(call, 2, name: "fields", function: function, optional: true) ?? [:]
        for key in overrides.keys.sorted() where !EndpointFields.writable.contains(key) {
            throw ScriptError.validation(
                function, "fields.\(key) is not a known field (known fields: \(EndpointFields.writable.joined(separator: ", ")))")
        }
        var spec: [String: JSONValue] = [:]
        for field in Self.templateSpecFields { spec[field] = template.raw[field] }
        if template.regions.count == 1 { spec["region"] = .string(template.regions[0]) }
        spec.merge(overrides) { _, given in given }
        return [LuaJSON.luaValue(.object(spec))]
    }
}
