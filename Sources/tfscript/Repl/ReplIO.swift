import Foundation
import TFScript

/// What a REPL session reads and writes: the process's terminal or pipes, or, for tests of
/// the REPL's behaviour in-process, given lines and captured text. The session itself
/// (``ReplSession``, ``ReplLoop``) is the same code either way.
struct ReplIO: Sendable {
    /// A person at a terminal: prompts, history, colours, Ctrl-C.
    var interactive: Bool
    /// Where errors, notes and the plan go (stderr).
    var errors: ReplErrorOutput
    /// Where Lua's `print` and expression values go (stdout).
    var output: OutputSink
    /// The line source, made on the session's thread once the evaluator exists (completion
    /// needs it).
    var reader: @Sendable (_ evaluator: SessionEvaluator, _ interrupts: ReplInterrupts?) -> any LineReader

    /// The process's stdin, stdout and stderr: libedit with history and completion on a
    /// terminal, plain lines from a pipe.
    static func process() -> ReplIO {
        let interactive = isatty(0) == 1
        let historyPath = HistoryFile.path(environment: ProcessInfo.processInfo.environment)
        return ReplIO(
            interactive: interactive, errors: .forStandardError(interactive: interactive), output: StandardOutput.sink,
            reader: { evaluator, interrupts in
                guard let interrupts else { return PipedLineReader() }
                let path = historyPath.flatMap { HistoryFile.prepareFolder(for: $0) ? $0 : nil }
                return EditLineReader(historyPath: path, interrupts: interrupts) { word in
                    ReplCompletion.candidates(for: word, in: evaluator.state)
                }
            })
    }
}
