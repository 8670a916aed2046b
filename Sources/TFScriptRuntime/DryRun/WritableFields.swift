public import TFScriptJSON

/// The fields a script can change (DESIGN.md §1). Only these decide whether a plan is stale:
/// observed state (status, replica counts, timestamps) changes on its own, and comparing it
/// would make every real plan stale.
public enum WritableFields {
    public static let names: [String] = [
        "name", "description", "model_name", "flavor_name", "gpu_type", "gpu_count", "region", "scaling", "enabled",
    ]
    static let scalingNames = ["min_replicas", "max_replicas"]

    /// Each writable field whose value differs between the two snapshots, as
    /// `(path, before, now)`; `nil` marks a field absent on that side.
    public static func differences(before: JSONValue, now: JSONValue) -> [(path: String, before: JSONValue?, now: JSONValue?)] {
        var result: [(String, JSONValue?, JSONValue?)] = []
        for name in names {
            if name == "scaling" {
                for inner in scalingNames {
                    let old = before["scaling"]?[inner], new = now["scaling"]?[inner]
                    if !sameValue(old, new) { result.append(("scaling.\(inner)", old, new)) }
                }
            } else if !sameValue(before[name], now[name]) {
                result.append((name, before[name], now[name]))
            }
        }
        return result
    }

    /// Equal as the API would store them, treating a missing field and JSON null alike.
    ///
    /// Exact otherwise, because a dry run calls a patch "no change" by this and then never
    /// shows what the live run sends, and `apply` calls a target unchanged by it: strings are
    /// compared by their UTF-8 bytes (Swift's `==` calls NFC "café" and NFD "café" equal, yet
    /// they are different bytes to the API), integers exactly (as `Double`s, 2^53 and 2^53+1
    /// are one value). An integer and a float are equal only when they are the same number
    /// (`2` and `2.0`, which servers are free to write either way).
    static func sameValue(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        let left = (lhs?.isNull ?? true) ? nil : lhs
        let right = (rhs?.isNull ?? true) ? nil : rhs
        switch (left, right) {
        case (nil, nil): return true
        case let (left?, right?): return JSONValue.exactlyEqual(left, right)
        default: return false
        }
    }
}

extension JSONValue {
    /// ``WritableFields/sameValue(_:_:)`` for present values, recursively: strings by UTF-8
    /// bytes, numbers by exact value, objects by the same keys with exactly equal values.
    static func exactlyEqual(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(l), .bool(r)): return l == r
        case let (.integer(l), .integer(r)): return l == r
        case let (.number(l), .number(r)): return l == r
        case let (.integer(l), .number(r)), let (.number(r), .integer(l)): return Int64(exactly: r) == l
        case let (.string(l), .string(r)): return l.utf8.elementsEqual(r.utf8)
        case let (.array(l), .array(r)):
            return l.count == r.count && zip(l, r).allSatisfy { exactlyEqual($0, $1) }
        case let (.object(l), .object(r)):
            guard l.count == r.count else { return false }
            return l.allSatisfy { key, value in
                // Keys by bytes too: a dictionary finds "é" under its decomposed spelling.
                guard let index = r.index(forKey: key), r[index].key.utf8.elementsEqual(key.utf8) else { return false }
                return exactlyEqual(value, r[index].value)
            }
        default: return false
        }
    }
}
