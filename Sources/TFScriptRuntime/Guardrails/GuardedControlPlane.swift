public import TFScriptJSON
import TokenFactory
import Synchronization

/// A control plane that applies ``Guardrails`` before each change reaches the one it wraps
/// (the API, or the dry-run recorder: the same rules hold in both, so a plan shows what the
/// live run would refuse). A refusal is a `tf` error of kind `guardrail`; the run then ends
/// with exit code 7 even if the script caught it (``refusals``).
public final class GuardedControlPlane: OperationPerformingPlane {
    let inner: any ControlPlane
    public let guardrails: Guardrails
    private let counts = Mutex((changes: 0, refusals: 0))

    public init(_ inner: any ControlPlane, guardrails: Guardrails) {
        self.inner = inner
        self.guardrails = guardrails
    }

    /// Changes passed on so far (sent, or recorded under dry-run).
    public var changes: Int { counts.withLock { $0.changes } }
    /// Changes refused so far.
    public var refusals: Int { counts.withLock { $0.refusals } }

    public func listEndpoints() async throws -> [JSONValue] { try await inner.listEndpoints() }
    public func endpoint(id: String) async throws -> JSONValue { try await inner.endpoint(id: id) }
    public func listTemplates() async throws -> [JSONValue] { try await inner.listTemplates() }
    public func endpointPages() async -> any EndpointPageSource { await inner.endpointPages() }

    public func perform(_ operation: EndpointOperation, target: String?, body: JSONValue?) async throws -> JSONValue? {
        let current = try await current(target, needed: operation.hasTarget && operation.forbiddenWhenProtected(body) != nil)
        try admit(operation, target: target, body: body, endpoint: current)
        return try await inner.perform(operation, target: target, body: body)
    }

    /// The endpoint as it is now, read only when a protection could apply to the change.
    private func current(_ id: String?, needed: Bool) async throws -> JSONValue? {
        guard needed, let id, !guardrails.protect.isEmpty else { return nil }
        return try await inner.endpoint(id: id)
    }

    private func admit(_ kind: PlanOperation.Kind, target: String?, body: JSONValue?, endpoint: JSONValue?) throws {
        let verb = kind.luaFunction
        if let refusal = guardrails.refusal(of: kind, target: target, body: body, endpoint: endpoint) {
            counts.withLock { $0.refusals += 1 }
            throw ScriptError(kind: .guardrail, message: "\(verb): refused, nothing sent: \(refusal)")
        }
        let refused: Int? = counts.withLock { counts in
            if let limit = guardrails.maxChanges, counts.changes >= limit {
                counts.refusals += 1
                return counts.changes
            }
            counts.changes += 1
            return nil
        }
        if let passed = refused {
            throw ScriptError(
                kind: .guardrail,
                message: "\(verb): refused, nothing sent: this would be change \(passed + 1), past --max-changes \(guardrails.maxChanges ?? 0) "
                    + "(\(passed) \(passed == 1 ? "change was" : "changes were") made before)")
        }
    }
}
