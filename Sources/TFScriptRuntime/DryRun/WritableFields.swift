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

    /// Equal, treating a missing field and JSON null alike and `2` and `2.0` alike,
    /// since servers are free to write either.
    static func sameValue(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        let left = (lhs?.isNull ?? true) ? nil : lhs
        let right = (rhs?.isNull ?? true) ? nil : rhs
        if let l = left?.doubleValue, let r = right?.doubleValue { return l == r }
        return left == right
    }
}
