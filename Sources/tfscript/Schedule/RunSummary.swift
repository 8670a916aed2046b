import Logging
import Foundation
import TFScript
import TFScriptJSON
import TokenFactory

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
    /// How the changes sent ended: accepted, refused, no answer (may be applied).
    var changesOK = 0
    var changesFailed = 0
    var changesUnknown = 0
    /// The endpoints changed successfully, by name (else id), at most 100.
    var endpointsChanged: [String] = []

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

    /// Takes the counts of the calls made (sent, their outcomes, retries, the endpoints changed).
    mutating func count(_ statistics: CallStatistics) {
        changesSent = statistics.mutationsSent
        retries = statistics.retries
        changesOK = statistics.changesOK
        changesFailed = statistics.changesFailed
        changesUnknown = statistics.changesUnknown
        endpointsChanged = statistics.endpointsChanged
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
            "changes_ok": .integer(Int64(changesOK)),
            "changes_failed": .integer(Int64(changesFailed)),
            "changes_unknown": .integer(Int64(changesUnknown)),
            "endpoints_changed": .array(endpointsChanged.map(JSONValue.string)),
            "retries": .integer(Int64(retries)),
        ])
    }

    /// The text mode's line.
    var text: String {
        "tfscript: \(command) \(runID) of \(script) ended with exit code \(exitCode) in \(durationMilliseconds) ms: "
            + "\(changesSent) \(changesSent == 1 ? "change" : "changes") sent (\(changesOK) ok, \(changesFailed) failed, "
            + "\(changesUnknown) unknown), \(changesPlanned) planned, "
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
