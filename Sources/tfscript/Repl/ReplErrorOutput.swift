import Foundation
import TFScriptLuaHost

/// Where the REPL reports errors and notes: stderr, in red on a terminal (unless `NO_COLOR`
/// is set), plain when piped so scripted sessions can match the text.
struct ReplErrorOutput: Sendable {
    var colored: Bool

    static func forStandardError(interactive: Bool) -> ReplErrorOutput {
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return ReplErrorOutput(colored: interactive && isatty(2) == 1 && !noColor)
    }

    /// An error: one message, possibly followed by traceback lines. Each line is shown through
    /// ``DisplayText`` (a script chose the message): no control, bidi or invisible character
    /// reaches the terminal, and no line of it can start a line of its own.
    func report(_ message: String) {
        let shown = Self.escapedLines(message)
        StandardOutput.flush() // what Lua printed comes first
        StandardError.write(colored ? "\u{1B}[31m\(shown)\u{1B}[0m\n" : shown + "\n")
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
        StandardOutput.flush() // what Lua printed comes first
        StandardError.write(message.hasSuffix("\n") ? message : message + "\n")
    }
}
