internal import TFScriptJSON

/// The documented writable fields of a dedicated endpoint (DESIGN.md §1) and their rules.
///
/// Shared by ``EndpointSpec``, ``EndpointPatch``, the simulator's server-side validation and the
/// dry-run plan's staleness check, so all of them agree on one list.
public enum EndpointFields {
    /// Every field a create or patch may carry, in documentation order.
    public static let writable: [String] = [
        "name", "description", "model_name", "flavor_name", "gpu_type", "gpu_count",
        "region", "scaling", "enabled",
    ]
    /// Fields a create must carry.
    public static let requiredOnCreate: [String] = ["name", "model_name", "flavor_name", "gpu_type"]
    /// Fields of the `scaling` object.
    public static let scalingFields: [String] = ["min_replicas", "max_replicas"]
    /// Regions an endpoint may be created in.
    public static let regions: [String] = ["eu-north1", "eu-west1", "us-central1"]

    static let stringFields: Set<String> = ["name", "description", "model_name", "flavor_name", "gpu_type", "region"]
    /// Strings that may be empty (a description can be cleared).
    static let emptyAllowed: Set<String> = ["description"]
}

/// Checks field values one by one and collects every issue rather than stopping at the first,
/// so a user fixes their input in one go.
struct FieldChecker {
    var issues: [ValidationIssue] = []

    mutating func fail(_ path: String, _ message: String) {
        issues.append(ValidationIssue(path: path, message: message))
    }

    /// Checks the top-level object: unknown names, then each known field's type and range.
    /// Returns the object when it is one, so callers can run cross-field checks.
    mutating func checkObject(_ value: JSONValue, forbidRegion: Bool) -> [String: JSONValue]? {
        guard let object = value.objectValue else {
            fail("", "must be an object with fields \(EndpointFields.writable.joined(separator: ", ")), got \(Self.show(value))")
            return nil
        }
        for key in object.keys.sorted() where !EndpointFields.writable.contains(key) {
            fail(key, "is not a known field (known fields: \(EndpointFields.writable.joined(separator: ", ")))")
        }
        for key in EndpointFields.writable {
            guard let field = object[key] else { continue }
            switch key {
            case "region" where forbidRegion:
                fail("region", "cannot be changed after creation")
            case "region":
                checkRegion(field)
            case "gpu_count":
                checkInteger(field, path: key, minimum: 1)
            case "enabled":
                if field.boolValue == nil { fail(key, "must be a boolean (true or false), got \(Self.show(field))") }
            case "scaling":
                checkScaling(field)
            default:
                checkString(field, path: key, allowEmpty: EndpointFields.emptyAllowed.contains(key))
            }
        }
        return object
    }

    mutating func checkString(_ value: JSONValue, path: String, allowEmpty: Bool) {
        guard let string = value.stringValue else {
            fail(path, "must be a string, got \(Self.show(value))")
            return
        }
        if !allowEmpty && string.allSatisfy(\.isWhitespace) {
            fail(path, "must be a non-empty string")
        }
    }

    mutating func checkRegion(_ value: JSONValue) {
        let allowed = EndpointFields.regions.joined(separator: ", ")
        guard let region = value.stringValue, EndpointFields.regions.contains(region) else {
            fail("region", "must be one of \(allowed), got \(Self.show(value))")
            return
        }
    }

    /// Integers are strict: `2.0` is refused, because the API takes JSON integers and a float
    /// usually means arithmetic went wrong in the caller (in Lua, `/` always yields a float).
    mutating func checkInteger(_ value: JSONValue, path: String, minimum: Int64) {
        guard let integer = value.integerValue else {
            var message = "must be an integer ≥ \(minimum), got \(Self.show(value))"
            if case .number(let double) = value, double.rounded() == double, double.isFinite {
                message += " (a float, not an integer)"
            }
            fail(path, message)
            return
        }
        if integer < minimum { fail(path, "must be an integer ≥ \(minimum), got \(integer)") }
    }

    mutating func checkScaling(_ value: JSONValue) {
        guard let scaling = value.objectValue else {
            fail("scaling", "must be an object with min_replicas and/or max_replicas, got \(Self.show(value))")
            return
        }
        for key in scaling.keys.sorted() where !EndpointFields.scalingFields.contains(key) {
            fail("scaling.\(key)", "is not a known field (known fields: min_replicas, max_replicas)")
        }
        if scaling.isEmpty { fail("scaling", "must contain min_replicas and/or max_replicas") }
        let before = issues.count
        if let min = scaling["min_replicas"] { checkInteger(min, path: "scaling.min_replicas", minimum: 0) }
        if let max = scaling["max_replicas"] { checkInteger(max, path: "scaling.max_replicas", minimum: 0) }
        guard issues.count == before,
              let min = scaling["min_replicas"]?.integerValue,
              let max = scaling["max_replicas"]?.integerValue
        else { return }
        if min > max {
            fail("scaling.min_replicas", "must be ≤ scaling.max_replicas (\(max)), got \(min)")
        }
    }

    /// A short rendering of a value for messages: JSON text, cut at 60 characters.
    static func show(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case .object: text = "an object"
        case .array: text = "an array"
        case .null: text = "null"
        default: text = value.serialized()
        }
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
