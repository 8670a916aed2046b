import Logging
import Synchronization
import TFScript
import TFScriptJSON

/// What a live `run` (or REPL statement) changed, as `terraform apply` reports it: a line on
/// stderr as each change is accepted (`~ patched "web" (ep-1): scaling.min_replicas 1 → 0`),
/// and a total when the run ends (`Applied: 0 created, 3 changed, 0 deleted`). Silent with
/// `-q`; one JSON record per line (`change`, `changes.applied`) with `--log-format json`.
final class ChangeReportDisplay: Sendable {
    private let quiet: Bool
    private let counts = Mutex([EndpointOperation.Effect: Int]())

    init(logging: LoggingOptions) {
        quiet = logging.quiet
    }

    /// For ``ScriptOptions/changes``.
    var sink: @Sendable (PlanOperation) -> Void { { [self] in report($0) } }

    func report(_ change: PlanOperation) {
        counts.withLock { $0[change.kind.effect, default: 0] += 1 }
        guard !quiet else { return }
        var fields: [String: JSONValue] = ["operation": .string(change.kind.rawValue), "target": .string(change.target)]
        if let name = change.displayName { fields["name"] = .string(name) }
        Diagnostics.write(PlanRenderer.forStandardError.changeLine(change) + "\n", event: "change", level: .info, fields: fields)
    }

    /// The changes reported so far, by effect (an action, like a restart, counts as changed).
    var total: (created: Int, changed: Int, deleted: Int) {
        counts.withLock { ($0[.create] ?? 0, ($0[.modify] ?? 0) + ($0[.action] ?? 0), $0[.delete] ?? 0) }
    }

    /// Writes the total once the run has ended, when it sent any change: `sent` counts the
    /// changes sent, accepted or not, so those that failed or got no answer are said too.
    func finish(sent: Int) {
        let (created, changed, deleted) = total
        let accepted = created + changed + deleted
        guard !quiet, sent > 0 || accepted > 0 else { return }
        var line = PlanRenderer.appliedLine(created: created, changed: changed, deleted: deleted)
        let unconfirmed = sent - accepted
        if unconfirmed > 0 {
            line += "; \(unconfirmed) more \(unconfirmed == 1 ? "change was" : "changes were") sent and failed or got no answer"
        }
        Diagnostics.write(line + "\n", event: "changes.applied", level: .info, fields: [
            "created": .integer(Int64(created)), "changed": .integer(Int64(changed)), "deleted": .integer(Int64(deleted)),
            "unconfirmed": .integer(Int64(max(0, unconfirmed))),
        ])
    }
}
