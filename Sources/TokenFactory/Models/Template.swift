public import TFScriptJSON

/// A deployable combination from the template catalogue (model × flavor × GPU type × GPU count).
///
/// Like ``Endpoint``, keeps the whole object in ``raw``; the properties are tolerant views.
public struct Template: Sendable, Hashable {
    /// The object exactly as received.
    public let raw: JSONValue

    /// Wraps a catalogue entry. - Throws: a decoding error when `raw` is not an object.
    public init(raw: JSONValue) throws(TokenFactoryError) {
        guard raw.objectValue != nil else {
            throw TokenFactoryError(kind: .decoding, message: "expected a template object, got \(FieldChecker.show(raw))")
        }
        self.raw = raw
    }

    /// `template_id`, `id` or `name`, whichever is present.
    public var id: String? {
        for key in ["template_id", "id", "name"] {
            if let value = raw[key]?.stringValue { return value }
        }
        return nil
    }
    public var modelName: String? { raw["model_name"]?.stringValue }
    public var flavorName: String? { raw["flavor_name"]?.stringValue }
    public var gpuType: String? { raw["gpu_type"]?.stringValue }
    public var gpuCount: Int64? { raw["gpu_count"]?.integerValue }
    public var regions: [String] { raw["regions"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// Price per hour for one replica, from `price_per_hour` (a number, or an object with
    /// `amount`) or `price_usd_per_hour`.
    public var pricePerHour: Double? {
        if let price = raw["price_per_hour"]?.doubleValue { return price }
        if let price = raw["price_per_hour"]?["amount"]?.doubleValue { return price }
        return raw["price_usd_per_hour"]?.doubleValue
    }
}
