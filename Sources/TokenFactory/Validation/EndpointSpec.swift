public import TFScriptJSON

/// A validated create request for a dedicated endpoint.
///
/// Construct it from the caller's JSON (a Lua table, a plan file) with ``init(validating:)``; the
/// client only accepts this type, so nothing invalid can be sent. ``body`` is exactly what was
/// given: the client adds no defaults, the API decides them.
public struct EndpointSpec: Sendable, Hashable {
    /// The request body to send: the validated object, unchanged.
    public let body: JSONValue

    /// Validates `value` against DESIGN.md §1: an object of known fields only; `name`,
    /// `model_name`, `flavor_name` and `gpu_type` present and non-empty strings; `region` one of
    /// ``EndpointFields/regions``; `gpu_count` an integer ≥ 1; `scaling.min_replicas` and
    /// `scaling.max_replicas` integers with 0 ≤ min ≤ max; `enabled` a boolean.
    ///
    /// - Throws: ``TokenFactoryError`` of kind ``TokenFactoryError/Kind/validation`` listing
    ///   every issue found.
    public init(validating value: JSONValue) throws(TokenFactoryError) {
        var checker = FieldChecker()
        if let object = checker.checkObject(value, forbidRegion: false) {
            for key in EndpointFields.requiredOnCreate where object[key] == nil {
                checker.fail(key, "is required")
            }
        }
        if !checker.issues.isEmpty {
            throw TokenFactoryError.validation(checker.issues, method: "POST", path: TokenFactoryClient.endpointsPath)
        }
        self.body = value
    }

    public var name: String { body["name"]?.stringValue ?? "" }
    public var region: String? { body["region"]?.stringValue }
}

extension TokenFactoryError {
    static func validation(_ issues: [ValidationIssue], method: String?, path: String?) -> TokenFactoryError {
        TokenFactoryError(
            kind: .validation,
            message: issues.map(\.description).joined(separator: "; "),
            method: method,
            path: path,
            issues: issues
        )
    }
}
