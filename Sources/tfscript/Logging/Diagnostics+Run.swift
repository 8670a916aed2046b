import Foundation
import Logging
import TFScript
import TFScriptJSON
import TFScriptLuaHost

extension Diagnostics {
    /// How a run failed: the diagnostic as people read it (`script.lua:LINE: message` and a
    /// traceback, or `script error: MESSAGE` for an error without a position;
    /// `tfscript: timeout of 5s exceeded`), or one record with its parts.
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
        // A script's message never starts `tfscript: `: tfscript's own lines do.
        let shown = result.status == .scriptError ? DisplayText.scriptError(text) + "\n" : "tfscript: \(text)\n"
        write(shown, event: event, fields: fields)
    }

    /// The plan of a dry run: the terraform-like diff, or one record holding the plan's JSON
    /// (the same document `--plan-out` saves) and its summary line as the message.
    static func plan(_ plan: Plan, heading: String, complete: Bool) {
        guard format == .json else {
            StandardError.write(planText(plan, heading: heading))
            return
        }
        write(plan.summaryLine, event: "plan", level: .info, fields: [
            "complete": .bool(complete),
            "changes_planned": .integer(Int64(plan.operations.count)),
            "plan": plan.json,
        ])
    }

    /// The plan as text, after `ESC[0m` when stderr is a terminal: what a script printed on
    /// stdout (`print("\27[8m")`, concealed text) must not change how the plan shows on the
    /// same terminal.
    static func planText(_ plan: Plan, heading: String = "") -> String {
        (isatty(2) == 1 ? "\u{1B}[0m" : "") + heading + PlanRenderer.forStandardError.render(plan)
    }
}
