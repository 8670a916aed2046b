import Logging
import Foundation
import TFScript
import TFScriptJSON

/// The one record that says how a run went: written last on stderr (always under
/// `--log-format json`, with `-v` in text mode) and POSTed to `--report-url`.
///
/// Counts only, never the token, bodies or endpoint data: it goes to monitoring systems.
struct RunSummary: Sendable {
    var command: String
    var runID: String
    var script: String
    var exitCode: Int32 = 0
    var duration: Duration = .zero
    var changesSent = 0
    var changesPlanned = 0
    var retries = 0

    init(command: String, runID: String, script: String) {
        self.command = command
        self.runID = runID
        self.script = script
    }

    /// Takes the counts the engine measured.
    mutating func count(_ result: ScriptResult) {
        changesSent = result.changesSent
        changesPlanned = result.changesPlanned
        retries = result.retries
    }

    var durationMilliseconds: Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// The record's fields (docs/scheduling.md), as sent to `--report-url`.
    var json: JSONValue {
        .object([
            "event": "run.end",
            "command": .string(command),
            "run_id": .string(runID),
            "script": .string(script),
            "exit_code": .integer(Int64(exitCode)),
            "duration_ms": .integer(durationMilliseconds),
            "changes_sent": .integer(Int64(changesSent)),
            "changes_planned": .integer(Int64(changesPlanned)),
            "retries": .integer(Int64(retries)),
        ])
    }

    /// The text mode's line.
    var text: String {
        "tfscript: \(command) \(runID) of \(script) ended with exit code \(exitCode) in \(durationMilliseconds) ms: "
            + "\(changesSent) \(changesSent == 1 ? "change" : "changes") sent, \(changesPlanned) planned, "
            + "\(retries) \(retries == 1 ? "retry" : "retries")\n"
    }

    /// Writes the summary on stderr: always as JSON under `--log-format json`, in text mode
    /// only when `verbose`.
    /// It is the last line: anything a straggling thread logs afterwards is dropped.
    func write(verbose: Bool) {
        guard Diagnostics.format == .json || verbose else { return }
        guard case .object(var fields) = json else { return }
        fields["event"] = nil
        Diagnostics.write(text, event: "run.end", level: exitCode == 0 ? .info : .error, fields: fields, final: true)
    }
}
