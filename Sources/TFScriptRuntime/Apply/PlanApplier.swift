public import TFScriptJSON
import TokenFactory

/// Executes a saved plan (`tfscript apply`): checks it is still fresh, then sends its
/// operations in order, stopping at the first failure.
public struct PlanApplier: Sendable {
    let controlPlane: any ControlPlane

    /// - Parameter controlPlane: the live API (with the journal, when one is kept).
    public init(controlPlane: any ControlPlane) {
        self.controlPlane = controlPlane
    }

    /// Why one operation's target no longer matches the plan.
    public struct StaleTarget: Sendable, Equatable, CustomStringConvertible {
        public var operationIndex: Int
        public var target: String
        public var name: String?
        public var reasons: [String]

        public var description: String {
            let label = [name, "(\(target))"].compactMap { $0 }.joined(separator: " ")
            return "#\(operationIndex) \(label): " + reasons.joined(separator: "; ")
        }
    }

    /// Re-validates every body and re-reads every target. A plan is stale when a target is gone,
    /// when a writable field differs from its `before` snapshot, or when a planned create's name
    /// now exists. Only the first operation on each endpoint is compared with the API: later
    /// ones were planned against the state the earlier ones leave behind. Operations in
    /// `resume` (done by an interrupted apply) are skipped: the first *remaining* operation on
    /// each endpoint is compared with its own `before`, which is the state the done ones left.
    public func staleTargets(in plan: Plan, resume: Resume = .none) async throws -> [StaleTarget] {
        try Self.validateBodies(plan)
        var stale: [StaleTarget] = []
        var seen: Set<String> = []
        var existingNames: Set<String>?
        for (offset, operation) in plan.operations.enumerated() {
            let index = offset + 1
            if resume.done[index] != nil { continue }
            if operation.kind.effect == .create {
                let name = operation.body?["name"]?.stringValue ?? ""
                if existingNames == nil {
                    existingNames = Set(try await controlPlane.listEndpoints().compactMap { $0["name"]?.stringValue })
                }
                if existingNames!.contains(name) {
                    stale.append(StaleTarget(operationIndex: index, target: operation.target, name: name,
                                             reasons: ["an endpoint named \(name) now exists"]))
                }
                continue
            }
            guard !operation.targetIsPlaceholder, seen.insert(operation.target).inserted, let before = operation.before else { continue }
            let now: JSONValue
            do {
                now = try await controlPlane.endpoint(id: operation.target)
            } catch let error as TokenFactoryError where error.status == 404 {
                stale.append(StaleTarget(operationIndex: index, target: operation.target, name: operation.displayName,
                                         reasons: ["the endpoint no longer exists"]))
                continue
            }
            let differences = WritableFields.differences(before: before, now: now)
            if !differences.isEmpty {
                stale.append(StaleTarget(
                    operationIndex: index, target: operation.target, name: operation.displayName,
                    reasons: differences.map { "\($0.path) was \(Self.show($0.before)), now \(Self.show($0.now))" }))
            }
        }
        if stale.isEmpty { try await checkAgainstMerged(plan, resume: resume) }
        return stale
    }

    /// Refuses, before anything is sent, a plan with a patch the API would refuse against the
    /// endpoint as the earlier operations leave it (`min_replicas` above the merged maximum:
    /// 400; a combination the catalogue does not offer: 422), with the API's own rule
    /// (``EndpointPatch/refusal(against:offers:)``). A fresh plan made by a dry run never has
    /// one (the dry run checked the same rule); a hand-edited one may. Runs only on a plan
    /// that is not stale, so each target's first `before` is the endpoint as it is now.
    func checkAgainstMerged(_ plan: Plan, resume: Resume) async throws {
        var state: [String: [String: JSONValue]] = [:]
        var offers: TemplateOffers?
        if plan.operations.contains(where: { operation in operation.body.map(operation.kind.needsCatalogue) ?? false }) {
            offers = TemplateOffers(templates: try await controlPlane.listTemplates())
        }
        for (offset, operation) in plan.operations.enumerated() {
            let kind = operation.kind
            let current = state[operation.target] ?? operation.before?.objectValue ?? [:]
            if resume.done[offset + 1] == nil, let body = operation.body, let refusal = kind.refusal(body, current, offers) {
                let label = [operation.displayName, "(\(operation.target))"].compactMap { $0 }.joined(separator: " ")
                let message = "operation #\(offset + 1), \(kind.name) \(label), would be refused by the API (HTTP \(refusal.status) "
                    + "\(refusal.apiCode)): \(refusal.message)"
                throw TokenFactoryError(kind: .validation, message: message, issues: [ValidationIssue(path: "", message: message)])
            }
            switch kind.effect {
            case .create:
                state[operation.target] = (operation.after ?? operation.body)?.objectValue ?? [:]
            case .delete:
                state[operation.target] = nil
            case .modify, .action:
                state[operation.target] = kind.outcome(.object(current), operation.body).objectValue ?? current
            }
        }
    }

    /// What happened to each operation of an apply.
    public struct Report: Sendable {
        /// Indices (1-based) of operations that were sent and succeeded, in order.
        public var applied: [Int] = []
        /// The operation that failed and why; nil when all succeeded.
        public var failure: (index: Int, error: any Error)?
        /// Indices of operations never sent because an earlier one failed.
        public var notApplied: [Int] = []
        /// Indices skipped because an interrupted apply had already done them (``Resume``).
        public var skipped: [Int] = []
        public var succeeded: Bool { failure == nil }
    }

    /// Sends the operations in order. `progress` is told about each one as it completes.
    /// Placeholder ids (`planned-1`) are replaced by the ids their creates returned (or, for
    /// creates done before a resume, the ids the journal or the API gave). Each operation runs
    /// with ``LiveControlPlane/planReference`` set, so journal intents name it.
    public func apply(
        _ plan: Plan, resume: Resume = .none,
        progress: @Sendable (_ index: Int, _ operation: PlanOperation, _ result: JSONValue?) -> Void
    ) async -> Report {
        var report = Report()
        var createdIDs: [String: String] = [:]
        let fingerprint = plan.fingerprint
        for (offset, operation) in plan.operations.enumerated() {
            let index = offset + 1
            if let id = resume.done[index] {
                if operation.kind.effect == .create { createdIDs[operation.target] = id }
                report.skipped.append(index)
                continue
            }
            if report.failure != nil {
                report.notApplied.append(index)
                continue
            }
            do {
                let target = createdIDs[operation.target] ?? operation.target
                let result: JSONValue? = try await LiveControlPlane.$planReference.withValue(
                    Journal.PlanReference(fingerprint: fingerprint, index: index)
                ) {
                    // An operation without a body sends none, whatever a hand-edited plan holds.
                    let body = operation.kind.bodyArgument == nil ? nil : try operation.body.map(operation.kind.validate)
                    return try await LiveControlPlane.$subject.withValue(operation.before) {
                        try await controlPlane.perform(operation.kind, target: operation.kind.hasTarget ? target : nil, body: body)
                    }
                }
                if operation.kind.effect == .create, let id = result.flatMap(EndpointIdentity.id(of:)) { createdIDs[operation.target] = id }
                report.applied.append(index)
                progress(index, operation, result)
            } catch {
                report.failure = (index, error)
            }
        }
        return report
    }

    /// Every body must still pass validation (a hand-edited plan must not send anything invalid).
    static func validateBodies(_ plan: Plan) throws(TokenFactoryError) {
        for operation in plan.operations where operation.kind.bodyArgument != nil {
            _ = try operation.kind.validate(operation.body ?? .null)
        }
    }

    static func show(_ value: JSONValue?) -> String {
        value.map { $0.serialized() } ?? "(unset)"
    }
}
