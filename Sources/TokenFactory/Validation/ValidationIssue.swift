/// One problem with one field of a create spec or patch.
///
/// `path` is relative to the validated object (`scaling.min_replicas`, or `""` for the object
/// itself) and `message` is phrased to follow it, so a caller can prefix its own argument name:
/// `fields.scaling.min_replicas must be an integer ≥ 0, got -1`.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// Dotted field path, relative to the validated object; empty for the object itself.
    public var path: String
    /// What is wrong, phrased to follow the path (`"is required"`, `"must be ..."`).
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path message`, or just `message` when the path is empty.
    public var description: String { path.isEmpty ? message : "\(path) \(message)" }

    /// The issue under an argument name: `described(under: "fields")` gives
    /// `fields.scaling.min_replicas must be ...`.
    public func described(under argument: String) -> String {
        path.isEmpty ? "\(argument) \(message)" : "\(argument).\(path) \(message)"
    }
}
