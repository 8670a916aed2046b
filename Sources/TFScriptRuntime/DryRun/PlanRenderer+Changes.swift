import TFScriptJSON

/// A live run's report of the changes it made, in the plan's words and with its rules
/// (``DisplayText`` for every name, key and value): one line per change, then a total, as
/// `terraform apply` ends with `Apply complete! Resources: …`.
extension PlanRenderer {
    /// `+ created "web" (ep-9)`, `~ patched "web" (ep-1): scaling.min_replicas 1 → 0, enabled true → false`,
    /// `- deleted "web" (ep-1)`. A field the run never read before changing it shows its new
    /// value only (`scaling.min_replicas → 0`); one it read without the field, `(unset) → 0`.
    public func changeLine(_ change: PlanOperation) -> String {
        let title = "\(Self.symbol(of: change.kind)) \(change.kind.done) \(Self.title(of: change))"
        switch change.kind.effect {
        case .create, .delete, .action:
            return title
        case .modify:
            let arrow = ascii ? "->" : "→"
            let fields = Self.flatten(change.body ?? .object([:])).map { leaf in
                let new = Self.display(leaf.value)
                guard let before = change.before else { return "\(Self.pathText(leaf.path)) \(arrow) \(new)" }
                let old = Self.value(at: leaf.path, in: before).map(Self.display) ?? "(unset)"
                return "\(Self.pathText(leaf.path)) \(old) \(arrow) \(new)"
            }
            return title + (fields.isEmpty ? "" : ": " + fields.joined(separator: ", "))
        }
    }

    /// `Applied: 1 created, 3 changed, 0 deleted`.
    public static func appliedLine(created: Int, changed: Int, deleted: Int) -> String {
        "Applied: \(created) created, \(changed) changed, \(deleted) deleted"
    }
}
