import TFScriptJSON
import TFScriptLuaHost

/// Renders a plan for humans, terraform style: `+ create`, `~ patch` with `field: old → new`,
/// `- delete`, then the summary line. Written to stderr; stdout belongs to the script.
///
/// Names, ids, keys and values come from the script and from the server, so each is shown
/// through ``DisplayText``: names quoted (`- delete "prod-db" (ep-1)`), control, bidi and
/// invisible characters escaped. No text of theirs can start a line of its own (a forged
/// `Plan:` summary or `- delete` title), move the cursor, or hide or reorder what follows.
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
        lines.append(Plan.gpuLine(plan.gpus, ascii: ascii))
        lines.append(plan.summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }

    func render(_ operation: PlanOperation) -> [String] {
        var lines = renderChanges(operation)
        let gpus = operation.gpus
        if gpus.before != gpus.after { lines.append("      " + Plan.gpuLine(gpus, ascii: ascii)) }
        return lines
    }

    private func renderChanges(_ operation: PlanOperation) -> [String] {
        let title = "  \(Self.symbol(of: operation.kind)) \(operation.kind.name) \(Self.title(of: operation))"
        switch operation.kind.effect {
        case .create, .action:
            return [title] + Self.flatten(operation.body ?? .object([:])).compactMap { leaf in
                // An action without a body shows its title alone.
                leaf.path.isEmpty ? nil : "      \(Self.pathText(leaf.path)) = \(Self.display(leaf.value))"
            }
        case .modify:
            var lines = [title]
            for leaf in Self.flatten(operation.body ?? .object([:])) {
                let old = Self.value(at: leaf.path, in: operation.before)
                lines.append("      \(Self.pathText(leaf.path)): \(old.map(Self.display) ?? "(unset)") \(ascii ? "->" : "→") \(Self.display(leaf.value))")
            }
            return lines
        case .delete:
            var lines = [title]
            let details = ["region", "model_name", "gpu_type"].compactMap { field in
                operation.before?[field].map { "\(field)=\(Self.display($0))" }
            }
            if !details.isEmpty { lines.append("      " + details.joined(separator: " ")) }
            return lines
        }
    }

    /// terraform's marks: `+` creates, `~` changes in place, `-` deletes, `!` acts on an
    /// endpoint without changing its fields.
    static func symbol(of operation: EndpointOperation) -> String {
        switch operation.effect {
        case .create: "+"
        case .modify: "~"
        case .delete: "-"
        case .action: "!"
        }
    }

    /// `"prod-db" (ep-1)`: the name quoted, the id (`id`, else the operation's target)
    /// escaped; the id alone when there is no name. Also apply's progress lines.
    public static func title(of operation: PlanOperation, id: String? = nil) -> String {
        let target = "(\(DisplayText.escapingControlCharacters(id ?? operation.target, maxBytes: maxKeyShown * 4)))"
        guard let name = operation.displayName else { return target }
        return DisplayText.quoted(name) + " " + target
    }

    // A plan holds what a script sent, so its sizes are the script's: the rendering is kept
    // linear in the plan and each line short. Objects deeper than `maxDepth` show as JSON on
    // one line (a path repeats every key above it, so deep paths were quadratic), a key shows
    // at most `maxKeyShown` characters and a value at most `maxValueShown` bytes.
    static let maxDepth = 8
    static let maxKeyShown = 64
    static let maxValueShown = 1024

    /// Nested objects as paths of keys (`scaling.min_replicas`), sorted, so diffs read line
    /// by line; at most ``maxDepth`` keys deep.
    static func flatten(_ value: JSONValue) -> [(path: [String], value: JSONValue)] {
        var leaves: [(path: [String], value: JSONValue)] = []
        var path: [String] = []
        func walk(_ value: JSONValue) {
            guard case .object(let members) = value, !members.isEmpty || path.isEmpty, path.count < maxDepth else {
                leaves.append((path, value))
                return
            }
            for key in members.keys.sorted() {
                path.append(key)
                walk(members[key]!)
                path.removeLast()
            }
        }
        walk(value)
        return leaves
    }

    static func pathText(_ path: [String]) -> String {
        path.map {
            DisplayText.escapingControlCharacters($0.utf8.count > maxKeyShown ? String($0.prefix(maxKeyShown)) + "…" : $0)
        }.joined(separator: ".")
    }

    static func value(at path: [String], in root: JSONValue?) -> JSONValue? {
        var current = root
        for key in path {
            guard let next = current?[key] else { return nil }
            current = next
        }
        return current
    }

    static func display(_ value: JSONValue) -> String {
        // JSON escapes C0 controls in strings; C1, bidi and invisible characters it keeps raw.
        let bytes = value.serializedPrefix(maxBytes: maxValueShown)
        guard bytes.count > maxValueShown else { return DisplayText.escapingControlCharacters(String(decoding: bytes, as: UTF8.self)) }
        return DisplayText.escapingControlCharacters(String(decoding: bytes.prefix(maxValueShown), as: UTF8.self)) + "… (cut)"
    }
}
