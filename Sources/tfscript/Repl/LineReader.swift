import Foundation

/// One thing the user did at the prompt.
enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C at the prompt: drop what was typed, prompt again.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case end
}

/// Where the REPL's lines come from: libedit on a terminal, plain lines from a pipe.
protocol LineReader: AnyObject {
    /// Reads one line; `prompt` is `> ` or `>> ` (a piped reader shows none).
    func read(prompt: String) -> LineInput
}

/// Reads stdin line by line without prompts, for scripted sessions (`tfscript repl < file`).
final class PipedLineReader: LineReader {
    func read(prompt: String) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }
}
