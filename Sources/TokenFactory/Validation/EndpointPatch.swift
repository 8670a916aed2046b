public import TFScriptJSON

/// A validated partial update of a dedicated endpoint.
///
/// Only the fields given are sent (``body``), so a patch never resets fields the caller did not
/// mention. `region` is refused: it cannot be changed after creation.
public struct EndpointPatch: Sendable, Hashable {
    /// The request body to send: exactly the given fields.
    public let body: JSONValue

    /// Validates `value` with the rules of ``EndpointSpec/init(validating:)`` minus the required
    /// fields, plus: `region` is refused, the object must not be empty, and when `scaling` gives
    /// only one of min/max, only that side's range is checked here (the server checks it against
    /// the stored other side).
    public init(validating value: JSONValue) throws(TokenFactoryError) {
        var checker = FieldChecker()
        if let object = checker.checkObject(value, forbidRegion: true), object.isEmpty {
            checker.fail("", "must contain at least one field to change (\(EndpointFields.writable.filter { $0 != "region" }.joined(separator: ", ")))")
        }
        if !checker.issues.isEmpty {
            throw TokenFactoryError.validation(checker.issues, method: "PATCH", path: nil)
        }
        self.body = value
    }

    /// The top-level field names this patch changes.
    public var fieldNames: [String] { body.objectValue.map { $0.keys.sorted() } ?? [] }
}
