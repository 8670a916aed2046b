import Foundation
import Logging
import Synchronization
import TFScriptJSON
import TFScriptLuaHost

/// tfscript's own messages on stderr (errors, warnings, the plan, the run summary): as the
/// text people read, or under `--log-format json` as one JSON object per line, so a log
/// shipper or a cron wrapper can parse every line tfscript writes to stderr.
///
/// Log records go through ``StderrLogHandler``; everything else the CLI writes to stderr goes
/// through here. A record has `time`, `level`, `event` (what it is: `error`, `plan`,
/// `run.end`...), `message` (the text mode's words without the `tfscript: ` prefix, unless the
/// event's fields bring their own) and the event's own fields.
enum Diagnostics {
    private struct Settings {
        var format: StderrLogHandler.Format = .text
        var runID: String?
    }

    private static let settings = Mutex(Settings())

    /// Chooses the format (from `--log-format`) and the run id every JSON record carries.
    static func configure(format: StderrLogHandler.Format, runID: String? = nil) {
        settings.withLock { $0 = Settings(format: format, runID: runID) }
    }

    static var format: StderrLogHandler.Format { settings.withLock { $0.format } }
    static var runID: String? { settings.withLock { $0.runID } }

    /// Writes one message: `text` as given in text mode (it carries its own `tfscript: `
    /// prefix and newline) but with every line escaped by ``DisplayText`` (a message may hold a
    /// server's error or a plan file's text: no control, bidi or invisible character of theirs
    /// reaches the terminal), one JSON record in JSON mode.
    static func write(_ text: String, event: String, level: Logger.Level = .error, fields: [String: JSONValue] = [:], final: Bool = false) {
        let line = format == .json
            ? jsonLine(message: text, event: event, level: level, fields: fields) + "\n"
            : DisplayText.escapingControlCharactersByLine(text)
        if final { StandardError.writeFinal(line) } else { StandardError.write(line) }
    }

    /// One JSON record, without the newline (also used by the watchdog, which prepares its line
    /// before it may need it).
    static func jsonLine(message: String, event: String, level: Logger.Level, fields: [String: JSONValue] = [:]) -> String {
        var object = fields
        object["time"] = .string(Date().formatted(.iso8601))
        object["level"] = .string(level.rawValue)
        object["event"] = .string(event)
        if object["message"] == nil { object["message"] = .string(plain(message)) }
        if let runID, object["run_id"] == nil { object["run_id"] = .string(runID) }
        return JSONValue.object(object).serialized()
    }

    /// The text without the `tfscript: ` prefix and the surrounding blank lines.
    static func plain(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("tfscript: ") { trimmed.removeFirst("tfscript: ".count) }
        return trimmed
    }

    /// `tfscript: MESSAGE` for a failure already explained to the user.
    static func failure(_ failure: CommandFailure) {
        write("tfscript: \(failure.message)\n", event: "error", fields: ["exit_code": .integer(Int64(failure.exitCode))])
    }

    /// `tfscript: warning: MESSAGE`.
    static func warning(_ message: String) {
        write("tfscript: warning: \(message)\n", event: "warning", level: .warning)
    }
}
