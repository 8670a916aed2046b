import TFScriptJSON
import TokenFactory

extension PlanApplier {
    /// Which operations of a plan an earlier, interrupted apply already performed.
    public struct Resume: Sendable {
        /// 1-based indices already applied, with the endpoint id each produced or touched.
        public var done: [Int: String] = [:]
        /// One line per operation the journal mentioned, for the person resuming.
        public var notes: [String] = []

        public init(done: [Int: String] = [:], notes: [String] = []) {
            self.done = done
            self.notes = notes
        }

        public static let none = Resume()
    }

    /// Turns the journal's verdicts into a resume: `ok` operations are done; `unknown` ones
    /// (no answer, or a crash before the outcome line) are checked against the API: a delete
    /// whose target is gone, a patch whose fields already hold the planned values, a create
    /// whose name now exists, are done; anything else is sent again after the staleness check.
    public func resume(_ plan: Plan, replay: JournalReplay) async throws -> Resume {
        var resume = Resume()
        var createdIDs: [String: String] = [:]
        var names: [String: String]?
        for (offset, operation) in plan.operations.enumerated() {
            let index = offset + 1
            guard let state = replay.states[index] else { continue }
            let target = createdIDs[operation.target] ?? operation.target
            let label = "#\(index) \(operation.kind.rawValue) \(operation.displayName ?? target)"
            switch state {
            case .done(let id):
                let id = id ?? target
                resume.done[index] = id
                if operation.kind.effect == .create { createdIDs[operation.target] = id }
                resume.notes.append("\(label): already applied (journal: ok); skipped")
            case .failed:
                resume.notes.append("\(label): refused by the server last time (journal: failed); will be sent again")
            case .unknown:
                let found = try await appliedOnServer(operation, target: target, names: &names)
                if let found {
                    resume.done[index] = found
                    if operation.kind.effect == .create { createdIDs[operation.target] = found }
                    resume.notes.append("\(label): outcome unknown in the journal, but the API shows it applied; skipped")
                } else if operation.kind.effect == .action {
                    resume.notes.append("\(label): outcome unknown in the journal, and an action leaves no trace in the API; will be sent again")
                } else {
                    resume.notes.append("\(label): outcome unknown in the journal and not visible in the API; will be sent again")
                }
            }
        }
        return resume
    }

    /// The endpoint id when the API shows `operation` as already applied, nil otherwise.
    private func appliedOnServer(_ operation: PlanOperation, target: String, names: inout [String: String]?) async throws -> String? {
        switch operation.kind.effect {
        case .create:
            if names == nil {
                var byName: [String: String] = [:]
                for endpoint in try await controlPlane.listEndpoints() {
                    if let name = endpoint["name"]?.stringValue, let id = EndpointIdentity.id(of: endpoint) { byName[name] = id }
                }
                names = byName
            }
            return operation.body?["name"]?.stringValue.flatMap { names?[$0] }
        case .delete:
            do {
                _ = try await controlPlane.endpoint(id: target)
                return nil
            } catch let error as TokenFactoryError where error.status == 404 {
                return target
            }
        case .modify:
            guard let before = operation.before else { return nil }
            let now: JSONValue
            do { now = try await controlPlane.endpoint(id: target) } catch let error as TokenFactoryError where error.status == 404 {
                return nil
            }
            let planned = operation.kind.outcome(before, operation.body)
            return WritableFields.differences(before: planned, now: now).isEmpty ? target : nil
        case .action:
            // Nothing in the endpoint tells whether it was done: sent again.
            return nil
        }
    }
}
