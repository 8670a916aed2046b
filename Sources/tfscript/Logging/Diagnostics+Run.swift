import Logging
import TFScript
import TFScriptJSON

extension Diagnostics {
    /// How a run failed: the diagnostic as people read it (`script.lua:LINE: message` and a
    /// traceback; `tfscript: timeout of 5s exceeded`), or one record with its parts.
    static func runFailure(_ text: String, result: ScriptResult) {
        let event = switch result.status {
        case .scriptError: "script.error"
        case .limitExceeded: "limit"
        case .interrupted: "interrupted"
        default: "error"
        }
        var fields: [String: JSONValue] = [
            "status": .string(result.status.rawValue),
            "exit_code": .integer(Int64(result.exitCode)),
        ]
        if let failure = result.failure {
            if let script = failure.script { fields["script"] = .string(script) }
            if let line = failure.line { fields["line"] = .integer(Int64(line)) }
            fields["traceback"] = .array(failure.traceback.map(JSONValue.string))
            // The record's message is the error alone; script and line are fields of their own.
            fields["message"] = .string(failure.message)
        }
        let shown = result.status == .scriptError ? text + "\n" : "tfscript: \(text)\n"
        write(shown, event: event, fields: fields)
    }

    /// The plan of a dry run: the terraform-like diff, or one record holding the plan's JSON
    /// (the same document `--plan-out` saves) and its summary line as the message.
    static func plan(_ plan: Plan, heading: String, complete: Bool) {
        guard format == .json else {
            StandardError.write(heading + PlanRenderer.forStandardError.render(plan))
            return
        }
        write(plan.summaryLine, event: "plan", level: .info, fields: [
            "complete": .bool(complete),
            "changes_planned": .integer(Int64(plan.operations.count)),
            "plan": plan.json,
        ])
    }
}
