public import TFScriptJSON
import TokenFactory

/// The guardrails of scheduled maintenance (issue 19, section 6): what a run may change at
/// most, whatever its script does. A nightly script with a powerful token and a buggy filter
/// must not be able to stop production.
public struct Guardrails: Sendable, Equatable {
    /// `--max-changes N`: the (N+1)th create, patch or delete is refused before it is sent
    /// (or recorded, under dry-run). nil: no limit.
    public var maxChanges: Int?
    /// `--protect GLOB`: endpoints whose name or id matches one of these cannot be deleted,
    /// disabled (`enabled = false`) or scaled to `scaling.min_replicas = 0`.
    public var protect: [String]

    public init(maxChanges: Int? = nil, protect: [String] = []) {
        self.maxChanges = maxChanges
        self.protect = protect
    }

    /// Whether any guardrail is set.
    public var isEmpty: Bool { maxChanges == nil && protect.isEmpty }

    /// The glob that protects an endpoint with this name or id, if any.
    public func protection(name: String?, id: String?) -> String? {
        protect.first { glob in
            let pattern = GlobPattern(glob)
            return (name.map(pattern.matches) ?? false) || (id.map(pattern.matches) ?? false)
        }
    }

    /// What a patch body does that protection forbids (`disables it`, `scales min_replicas to
    /// 0`), or nil when it does neither.
    public static func forbiddenEffect(ofPatch body: JSONValue?) -> String? {
        if body?["enabled"] == .bool(false) { return "disable it" }
        if let minimum = body?["scaling"]?["min_replicas"], minimum == .integer(0) || minimum == .number(0) {
            return "scale its min_replicas to 0"
        }
        return nil
    }

    /// Why a planned or requested operation is refused, or nil when it is allowed. `endpoint`
    /// is the target as it is now (its name), nil for a create.
    public func refusal(of kind: PlanOperation.Kind, target: String?, body: JSONValue?, endpoint: JSONValue?) -> String? {
        guard !protect.isEmpty, kind.hasTarget, let what = kind.forbiddenWhenProtected(body) else { return nil }
        let name = endpoint?["name"]?.stringValue
        guard let glob = protection(name: name, id: target) else { return nil }
        let shown = name.map { "\($0) (\(target ?? ""))" } ?? (target ?? "")
        return "endpoint \(shown) is protected (it matches '\(glob)'): a run may not \(what)"
    }
}
