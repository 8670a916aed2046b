import Foundation

/// Where the REPL reports errors and notes: stderr, in red on a terminal (unless `NO_COLOR`
/// is set), plain when piped so scripted sessions can match the text.
struct ReplErrorOutput: Sendable {
    var colored: Bool

    static func forStandardError(interactive: Bool) -> ReplErrorOutput {
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return ReplErrorOutput(colored: interactive && isatty(2) == 1 && !noColor)
    }

    /// An error: one message, possibly followed by traceback lines.
    func report(_ message: String) {
        StandardOutput.flush() // what Lua printed comes first
        StandardError.write(colored ? "\u{1B}[31m\(message)\u{1B}[0m\n" : message + "\n")
    }

    /// A note (help, plan, mode changes).
    func note(_ message: String) {
        StandardOutput.flush() // what Lua printed comes first
        StandardError.write(message.hasSuffix("\n") ? message : message + "\n")
    }
}
