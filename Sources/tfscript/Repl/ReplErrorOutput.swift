import Foundation
import Logging
import TFScriptJSON
import TFScriptLuaHost

/// Where the REPL reports errors and notes: stderr, in red on a terminal (unless `NO_COLOR`
/// is set), plain when piped so scripted sessions can match the text.
struct ReplErrorOutput: Sendable {
    var colored: Bool
    /// Where the text goes: the process's stderr, after what Lua printed on stdout (flushed
    /// first, so it comes first); a test's capture.
    var write: @Sendable (String) -> Void = { text in
        StandardOutput.flush()
        StandardError.write(text)
    }
    /// tfscript's own messages (`Plan saved to …`): ``Diagnostics`` on stderr, JSON records
    /// under `--log-format json`.
    var diagnostic: @Sendable (_ text: String, _ event: String, _ fields: [String: JSONValue]) -> Void = { text, event, fields in
        StandardOutput.flush()
        Diagnostics.write(text, event: event, level: .info, fields: fields)
    }

    static func forStandardError(interactive: Bool) -> ReplErrorOutput {
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return ReplErrorOutput(colored: interactive && isatty(2) == 1 && !noColor)
    }

    /// An error: one message, possibly followed by traceback lines. Each line is shown through
    /// ``DisplayText`` (a script chose the message): no control, bidi or invisible character
    /// reaches the terminal, and no line of it can start a line of its own.
    func report(_ message: String) {
        let shown = Self.escapedLines(message)
        write(colored ? "\u{1B}[31m\(shown)\u{1B}[0m\n" : shown + "\n")
    }

    /// A script's uncaught error: as ``report(_:)``, shaped by ``DisplayText/scriptError(_:)``
    /// so it never reads as one of tfscript's own lines (`script error: tfscript: …`).
    func scriptError(_ message: String) {
        report(DisplayText.scriptError(Self.escapedLines(message)))
    }

    /// Each line escaped on its own (tabs kept, for traceback indentation).
    static func escapedLines(_ text: String) -> String { DisplayText.escapingControlCharactersByLine(text) }

    /// A note (help, plan, mode changes).
    func note(_ message: String) {
        write(message.hasSuffix("\n") ? message : message + "\n")
    }
}
