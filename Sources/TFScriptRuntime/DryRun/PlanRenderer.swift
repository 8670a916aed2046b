import TFScriptJSON

/// Renders a plan for humans, terraform style: `+ create`, `~ patch` with `field: old → new`,
/// `- delete`, then the summary line. Written to stderr; stdout belongs to the script.
public struct PlanRenderer: Sendable {
    /// Whether to write `->` instead of `→`, for terminals and locales that are not UTF-8.
    public var ascii: Bool

    /// - Parameter ascii: write the arrow as `->` (the caller knows the terminal's encoding).
    public init(ascii: Bool = false) {
        self.ascii = ascii
    }

    public func render(_ plan: Plan) -> String {
        guard !plan.isEmpty else { return plan.summaryLine + "\n" }
        var lines = ["tfscript would perform these operations, in this order:", ""]
        for operation in plan.operations {
            lines.append(contentsOf: render(operation))
            lines.append("")
        }
        lines.append(plan.summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }

    func render(_ operation: PlanOperation) -> [String] {
        let title = [operation.displayName, "(\(operation.target))"].compactMap { $0 }.joined(separator: " ")
        switch operation.kind {
        case .create:
            var lines = ["  + create \(title)"]
            for (path, value) in Self.flatten(operation.body ?? .object([:])) {
                lines.append("      \(path) = \(Self.display(value))")
            }
            return lines
        case .patch:
            var lines = ["  ~ patch \(title)"]
            for (path, value) in Self.flatten(operation.body ?? .object([:])) {
                let old = Self.value(at: path, in: operation.before)
                lines.append("      \(path): \(old.map(Self.display) ?? "(unset)") \(ascii ? "->" : "→") \(Self.display(value))")
            }
            return lines
        case .delete:
            var lines = ["  - delete \(title)"]
            let details = ["region", "model_name", "gpu_type"].compactMap { field in
                operation.before?[field].map { "\(field)=\(Self.display($0))" }
            }
            if !details.isEmpty { lines.append("      " + details.joined(separator: " ")) }
            return lines
        }
    }

    /// Nested objects as dotted paths (`scaling.min_replicas`), sorted, so diffs read line by line.
    static func flatten(_ value: JSONValue, prefix: String = "") -> [(String, JSONValue)] {
        guard case .object(let members) = value, !members.isEmpty || prefix.isEmpty else {
            return [(prefix, value)]
        }
        return members.keys.sorted().flatMap { key in
            flatten(members[key]!, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
        }
    }

    static func value(at path: String, in root: JSONValue?) -> JSONValue? {
        var current = root
        for component in path.split(separator: ".") {
            current = current?[String(component)]
        }
        return current
    }

    static func display(_ value: JSONValue) -> String {
        value.serialized()
    }
}
