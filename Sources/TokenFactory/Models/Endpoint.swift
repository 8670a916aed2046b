internal import Foundation
public import TFScriptJSON

/// A dedicated endpoint as the API returned it.
///
/// The response shapes are not fully documented (DESIGN.md §1), so the whole object is kept in
/// ``raw`` and handed on unchanged (to Lua, to plans); the typed properties are tolerant views
/// over it and never drop data.
public struct Endpoint: Sendable, Hashable {
    /// The object exactly as received, unknown fields included.
    public let raw: JSONValue

    /// Wraps a response object.
    /// - Throws: a ``TokenFactoryError/Kind/decoding`` error when `raw` is not an object or has
    ///   neither `endpoint_id` nor `id`.
    public init(raw: JSONValue) throws(TokenFactoryError) {
        guard raw.objectValue != nil else {
            throw TokenFactoryError(kind: .decoding, message: "expected an endpoint object, got \(FieldChecker.show(raw))")
        }
        guard Self.id(in: raw) != nil else {
            throw TokenFactoryError(kind: .decoding, message: "endpoint object has neither endpoint_id nor id: \(FieldChecker.show(raw))")
        }
        self.raw = raw
    }

    static func id(in raw: JSONValue) -> String? {
        for key in ["endpoint_id", "id"] {
            if let value = raw[key]?.stringValue, !value.isEmpty { return value }
            if let value = raw[key]?.integerValue { return String(value) }
        }
        return nil
    }

    /// `endpoint_id`, or `id` when the API uses that name.
    public var id: String { Self.id(in: raw) ?? "" }
    public var name: String? { raw["name"]?.stringValue }
    public var description: String? { raw["description"]?.stringValue }
    public var modelName: String? { raw["model_name"]?.stringValue }
    public var flavorName: String? { raw["flavor_name"]?.stringValue }
    public var gpuType: String? { raw["gpu_type"]?.stringValue }
    public var gpuCount: Int64? { raw["gpu_count"]?.integerValue }
    public var region: String? { raw["region"]?.stringValue }
    public var enabled: Bool? { raw["enabled"]?.boolValue }
    /// The model id to use for inference.
    public var routingKey: String? { raw["routing_key"]?.stringValue }
    public var scaling: Scaling? { raw["scaling"].flatMap(Scaling.init(json:)) }
    public var createdAt: String? { raw["created_at"]?.stringValue }
    public var updatedAt: String? { raw["updated_at"]?.stringValue }

    /// The reported state, lowercased (`"running"`, `"stopped"`, ...), read from `status`,
    /// `state` or `deployment.status`, each either a string or an object holding `status` or
    /// `state`. Nil when none is present.
    public var state: String? { Self.state(in: raw) }

    /// The normalized state of any endpoint-shaped object (see ``state``), valid or not.
    public static func state(in raw: JSONValue) -> String? {
        let candidates = [raw["status"], raw["state"], raw["deployment"]?["status"], raw["deployment"]?["state"]]
        for candidate in candidates {
            guard let candidate else { continue }
            if let text = Self.stateText(candidate) { return text }
        }
        return nil
    }

    /// A state as the API wrote it, normalized: lowercased, without an enum-style prefix
    /// (`"STATE_RUNNING"`, `"ENDPOINT_STATE_RUNNING"` → `"running"`). Nil for an empty text.
    public static func normalizedState(_ string: String) -> String? {
        guard !string.isEmpty else { return nil }
        let text = Array(string.lowercased().utf8)
        let prefix = Array("state_".utf8)
        // A byte search: this runs for every endpoint of a list, and Foundation's
        // `range(of:)` costs more than the rest of the normalization.
        if text.count > prefix.count {
            for start in 0...(text.count - prefix.count) where text[start] == prefix[0] && text[start..<(start + prefix.count)].elementsEqual(prefix) {
                return String(decoding: text[(start + prefix.count)...], as: UTF8.self)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func stateText(_ value: JSONValue) -> String? {
        if let string = value.stringValue, !string.isEmpty {
            return normalizedState(string)
        }
        for key in ["status", "state", "phase"] {
            if let nested = value[key], let text = stateText(nested) { return text }
        }
        return nil
    }
}
