public import TFScriptJSON

/// An endpoint's replica bounds (`scaling.min_replicas`, `scaling.max_replicas`).
public struct Scaling: Sendable, Hashable {
    public var minReplicas: Int64?
    public var maxReplicas: Int64?

    public init(minReplicas: Int64? = nil, maxReplicas: Int64? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    /// Reads an object with `min_replicas`/`max_replicas`; nil when `json` is not an object.
    public init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        self.minReplicas = json["min_replicas"]?.integerValue
        self.maxReplicas = json["max_replicas"]?.integerValue
    }

    /// The object form, with only the bounds that are set.
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if let minReplicas { object["min_replicas"] = .integer(minReplicas) }
        if let maxReplicas { object["max_replicas"] = .integer(maxReplicas) }
        return .object(object)
    }
}
