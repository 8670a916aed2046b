public import TFScriptJSON

/// What a template catalogue offers, as rules for creates: which model, flavor, GPU type, GPU
/// count and region combinations an endpoint may be created with.
///
/// Shared by the client side (a run checks creates against the catalogue before sending them,
/// in dry-run and live alike) and the simulator's server side (its 422), so both refuse the
/// same specs with the same words. The check narrows level by level (model, then flavor, GPU
/// type, GPU count, region) and reports the first level nothing matches, naming the choices
/// the catalogue does offer there: `gpu_type must be one of gpu-h100-sxm, gpu-h200-sxm for
/// openai/gpt-oss-120b base, got "gpu-b200-sxm"`.
///
/// Tolerant of catalogue shapes it does not know (DESIGN.md §1): a level is checked only when
/// the catalogue's entries carry that field, so an unfamiliar catalogue never blocks a create.
public struct TemplateOffers: Sendable {
    /// The catalogue entries, as the API sent them.
    public let templates: [Template]

    /// Rules from the catalogue's JSON entries (entries that are not objects are ignored).
    public init(templates: [JSONValue]) {
        self.templates = templates.compactMap { try? Template(raw: $0) }
    }

    /// The levels of a match, most general first.
    static let levels = ["model_name", "flavor_name", "gpu_type"]

    /// The first problem with a create's fields (an object with ``EndpointFields/writable``
    /// names), or nil when the catalogue offers the combination or says nothing about it.
    /// `gpu_count` and `region` are checked only when given (the API picks defaults).
    public func issue(for fields: JSONValue) -> ValidationIssue? {
        var candidates = templates
        var chosen: [String] = []
        for field in Self.levels {
            guard let wanted = fields[field]?.stringValue else { continue }
            let known = candidates.filter { $0.raw[field]?.stringValue != nil }
            guard !known.isEmpty else { continue }
            let matching = known.filter { $0.raw[field]?.stringValue == wanted }
            if matching.isEmpty {
                let offered = Self.unique(known.compactMap { $0.raw[field]?.stringValue })
                return Self.issue(field, offered: offered, for: chosen, got: .string(wanted))
            }
            candidates = matching
            chosen.append(wanted)
        }
        if let count = fields["gpu_count"]?.integerValue {
            let known = candidates.filter { $0.gpuCount != nil }
            if !known.isEmpty {
                let matching = known.filter { $0.gpuCount == count }
                if matching.isEmpty {
                    let offered = Self.unique(known.compactMap(\.gpuCount)).sorted().map(String.init)
                    return Self.issue("gpu_count", offered: offered, for: chosen, got: .integer(count))
                }
                candidates = matching
                chosen.append("x\(count)")
            }
        }
        if let region = fields["region"]?.stringValue {
            let known = candidates.filter { !$0.regions.isEmpty }
            if !known.isEmpty, !known.contains(where: { $0.regions.contains(region) }) {
                let offered = Self.unique(known.flatMap(\.regions))
                return Self.issue("region", offered: offered, for: chosen, got: .string(region))
            }
        }
        return nil
    }

    /// The templates matching a create's model, flavor and GPU type (and GPU count when given),
    /// e.g. to pick defaults the way the API would.
    public func matching(_ fields: JSONValue) -> [Template] {
        templates.filter { template in
            Self.levels.allSatisfy { template.raw[$0] == fields[$0] }
                && (fields["gpu_count"]?.integerValue).map { template.gpuCount == $0 } ?? true
        }
    }

    private static func issue(_ field: String, offered: [String], for chosen: [String], got: JSONValue) -> ValidationIssue {
        let scope = chosen.isEmpty ? " in the template catalogue" : " for " + chosen.joined(separator: " ")
        return ValidationIssue(path: field, message: "must be one of \(offered.joined(separator: ", "))\(scope), got \(got.serialized())")
    }

    /// The values in first-seen order (the catalogue's own order reads naturally).
    private static func unique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }
}
