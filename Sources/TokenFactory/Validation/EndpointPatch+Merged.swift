public import TFScriptJSON

/// Why the API refuses a patch that is valid on its own but not against the endpoint it
/// changes: the HTTP status, the API's error code and the field issue, worded as the API words
/// them.
///
/// One rule shared by the simulator's server side (it answers with exactly this) and by the
/// client side (a dry run checks every planned patch against the endpoint as the earlier
/// operations of the plan leave it; `apply` checks a saved plan before sending anything), so a
/// plan's verdict and the live run's answer cannot drift apart.
public struct EndpointRefusal: Sendable, Hashable, CustomStringConvertible {
    /// 400 for a field rule (`scaling.min_replicas` above the stored maximum), 422 for a
    /// combination the template catalogue does not offer.
    public var status: Int
    /// The API's `error.code`: `invalid_argument` or `failed_precondition`.
    public var apiCode: String
    /// The API's `error.message`.
    public var message: String
    /// The offending field.
    public var issue: ValidationIssue

    public var description: String { message }

    /// The error a client would build from the API's answer, for `method` `path`.
    public func error(method: String, path: String) -> TokenFactoryError {
        TokenFactoryError(kind: .api, status: status, message: message, apiCode: apiCode, method: method, path: path)
    }
}

extension EndpointPatch {
    /// Fields that choose a template: a patch changing any of them is checked against the
    /// catalogue (the endpoint as it would be after the patch).
    public static let templateFields = ["model_name", "flavor_name", "gpu_type", "gpu_count"]

    /// The endpoint's fields after this patch: given fields replace, `scaling` merges key by key.
    public func merged(into current: [String: JSONValue]) -> [String: JSONValue] {
        let changes = body.objectValue ?? [:]
        var merged = current
        for (key, value) in changes where key != "scaling" { merged[key] = value }
        if let scaling = changes["scaling"]?.objectValue {
            var stored = merged["scaling"]?.objectValue ?? [:]
            for (key, value) in scaling { stored[key] = value }
            merged["scaling"] = .object(stored)
        }
        return merged
    }

    /// Why the API would refuse this patch on an endpoint whose fields are `current`, or nil:
    /// `min_replicas` above `max_replicas` once merged (400), or, when the patch changes a
    /// template field and `offers` is given, a combination the catalogue does not offer (422).
    /// Name conflicts (409) are the caller's: they depend on the other endpoints.
    public func refusal(against current: [String: JSONValue], offers: TemplateOffers?) -> EndpointRefusal? {
        let changes = body.objectValue ?? [:]
        let merged = merged(into: current)
        if let scaling = changes["scaling"]?.objectValue {
            let stored = merged["scaling"]?.objectValue ?? [:]
            let minimum = stored["min_replicas"]?.integerValue ?? 0
            let maximum = stored["max_replicas"]?.integerValue ?? minimum
            if minimum > maximum {
                let issue = scaling["min_replicas"] != nil
                    ? ValidationIssue(path: "scaling.min_replicas", message: "must be ≤ scaling.max_replicas (\(maximum)), got \(minimum)")
                    : ValidationIssue(path: "scaling.max_replicas", message: "must be ≥ scaling.min_replicas (\(minimum)), got \(maximum)")
                return EndpointRefusal(status: 400, apiCode: "invalid_argument", message: issue.description, issue: issue)
            }
        }
        if let offers, Self.templateFields.contains(where: { changes[$0] != nil }),
           let issue = offers.issue(for: .object(merged)) {
            return EndpointRefusal(status: 422, apiCode: "failed_precondition",
                                   message: TemplateOffers.refusalMessage(issue), issue: issue)
        }
        return nil
    }
}

extension TemplateOffers {
    /// The API's message for a combination the catalogue does not offer.
    public static func refusalMessage(_ issue: ValidationIssue) -> String {
        issue.description + "; GET /v0/dedicated_endpoints/templates lists the valid combinations"
    }
}
