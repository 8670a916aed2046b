public import TFScriptJSON
public import Foundation

/// What a dry run would have changed, in the order the script asked for it.
///
/// A plan is written to disk by `--plan-out` and executed later by `tfscript apply`, so it
/// carries everything apply needs to refuse a stale plan: each operation's `before` snapshot.
/// It never carries the API token.
public struct Plan: Sendable, Equatable {
    /// Bumped when the file format changes incompatibly; apply refuses versions it does not know.
    public static let formatVersion: Int64 = 1

    public var createdAt: Date
    public var baseURL: String
    public var script: String?
    public var operations: [PlanOperation]

    public init(createdAt: Date = Date(), baseURL: String, script: String? = nil, operations: [PlanOperation] = []) {
        self.createdAt = createdAt
        self.baseURL = baseURL
        self.script = script
        self.operations = operations
    }

    public var isEmpty: Bool { operations.isEmpty }

    public func count(of kind: PlanOperation.Kind) -> Int {
        operations.filter { $0.kind == kind }.count
    }

    /// `Plan: 1 to create, 3 to change, 2 to delete.`, as terraform words it; operations that
    /// act without changing fields follow under their own names (`, 1 to restart`).
    public var summaryLine: String {
        if isEmpty { return "No changes. The script planned no create, patch or delete." }
        let effects: [(EndpointOperation.Effect, String)] = [(.create, "create"), (.modify, "change"), (.delete, "delete")]
        var parts = effects.map { effect, word in "\(operations.filter { $0.kind.effect == effect }.count) to \(word)" }
        parts += actions.map { "\(count(of: $0)) to \($0.name)" }
        return "Plan: " + parts.joined(separator: ", ") + "."
    }

    /// The operations of effect ``EndpointOperation/Effect/action`` in the plan, in first-use order.
    var actions: [EndpointOperation] {
        var seen: [EndpointOperation] = []
        for operation in operations where operation.kind.effect == .action && !seen.contains(operation.kind) {
            seen.append(operation.kind)
        }
        return seen
    }
}

/// One recorded mutation.
public struct PlanOperation: Sendable, Equatable {
    /// Which operation this is: its declaration (``EndpointOperation``), known in plan files
    /// and journals by its name.
    public typealias Kind = EndpointOperation

    public var kind: Kind
    /// The endpoint id; for a create, the placeholder id the dry run handed to the script
    /// (`planned-1`, …), which later operations in the same plan may refer to.
    public var target: String
    /// The request body that would be sent (nil for delete).
    public var body: JSONValue?
    /// The target as read before this operation (nil for create).
    public var before: JSONValue?
    /// The target as the script saw it after this operation (nil for delete).
    public var after: JSONValue?

    public init(kind: Kind, target: String, body: JSONValue?, before: JSONValue?, after: JSONValue?) {
        self.kind = kind
        self.target = target
        self.body = body
        self.before = before
        self.after = after
    }

    /// The endpoint's name, for humans: from the body on create, from the snapshot otherwise.
    public var displayName: String? {
        body?["name"]?.stringValue ?? before?["name"]?.stringValue ?? after?["name"]?.stringValue
    }

    /// Placeholder ids mark endpoints that only exist in the plan until apply creates them.
    public static let placeholderPrefix = "planned-"

    public var targetIsPlaceholder: Bool { target.hasPrefix(Self.placeholderPrefix) }
}
