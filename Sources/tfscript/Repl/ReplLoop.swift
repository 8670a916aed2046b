import Foundation
import TFScript
import TFScriptLuaHost

/// Read, evaluate, print: the session itself, run on the Lua thread.
///
/// Lines starting with `:` (at the start of a statement) are REPL commands; everything else is
/// Lua, accumulated until it compiles. A piped session ends at end of input with exit code 1
/// when any statement failed (so scripted sessions can be checked), else 0; an interactive one
/// ends with 0 on Ctrl-D or `:quit`.
final class ReplLoop {
    private let evaluator: SessionEvaluator
    private let reader: any LineReader
    private let interrupts: ReplInterrupts?
    private let session: ScriptSession
    private let output: ReplErrorOutput
    private let interactive: Bool
    private var anyFailed = false

    init(evaluator: SessionEvaluator, reader: any LineReader, interrupts: ReplInterrupts?, session: ScriptSession, output: ReplErrorOutput, interactive: Bool) {
        self.evaluator = evaluator
        self.reader = reader
        self.interrupts = interrupts
        self.session = session
        self.output = output
        self.interactive = interactive
    }

    /// Runs until the end of input or `:quit`; returns the exit code.
    func run() -> Int32 {
        var buffer: [String] = []
        loop: while true {
            // The prompt says when changes are recorded, not sent.
            let mode = session.isDryRun ? "(dry-run) " : ""
            switch reader.read(prompt: mode + (buffer.isEmpty ? "> " : ">> ")) {
            case .end:
                if !buffer.isEmpty { report(evaluator.unfinishedError(buffer.joined(separator: "\n"))) }
                break loop
            case .interrupted:
                buffer.removeAll()
            case .line(let line):
                if buffer.isEmpty, let command = ReplCommandLine(line) {
                    if perform(command) == .quit { break loop }
                    continue
                }
                // A command typed while a statement is unfinished: `:quit` still quits; the
                // others are refused, not fed to Lua as a confusing syntax error.
                if !buffer.isEmpty, let command = ReplCommandLine(line), ReplCommandLine.names.contains(command.name) {
                    if ["quit", "q", "exit"].contains(command.name) { break loop }
                    report(":\(command.name) is a REPL command, read at the start of a statement; the statement above is unfinished "
                        + "(finish it, or press Ctrl-C to discard it)")
                    continue
                }
                if buffer.isEmpty, line.allSatisfy(\.isWhitespace) { continue }
                buffer.append(line)
                let outcome = evaluating { evaluator.submit(buffer.joined(separator: "\n")) }
                if outcome != .incomplete { buffer.removeAll() }
            }
        }
        return interactive || !anyFailed ? 0 : 1
    }

    private func report(_ message: String) {
        output.report(message)
        anyFailed = true
    }

    /// Runs Lua with Ctrl-C armed to interrupt it; reports how it failed, if it did.
    private func evaluating(_ body: () -> SessionEvaluator.Outcome) -> SessionEvaluator.Outcome {
        interrupts?.beginEvaluation(evaluator.state.interruptHandle)
        let outcome = body()
        interrupts?.endEvaluation()
        StandardOutput.flush() // what Lua printed shows before the next prompt
        switch outcome {
        case .failed(let message):
            output.scriptError(message)
            anyFailed = true
        case .limitExceeded(let message): report("tfscript: \(message)")
        case .interrupted: report("interrupted")
        case .succeeded, .incomplete: break
        }
        return outcome
    }

    private enum Next { case proceed, quit }

    private func perform(_ command: ReplCommandLine) -> Next {
        switch command.name {
        case "quit", "q", "exit":
            return .quit
        case "help", "h", "?":
            output.note(ReplCommandLine.help)
        case "dry-run":
            switch command.argument.lowercased() {
            case "on":
                session.setDryRun(true, in: evaluator)
                output.note("dry-run on: create, patch and delete are recorded, not sent (:plan shows them)")
            case "off":
                session.setDryRun(false, in: evaluator)
                output.note("dry-run off: changes are sent to the control plane again")
            case "":
                output.note("dry-run is \(session.isDryRun ? "on" : "off")")
            default:
                report(":dry-run expects on or off, got '\(command.argument)'")
            }
        case "plan" where command.argument == "clear":
            let discarded = session.clearPlan()
            output.note(discarded == 0 ? "Nothing to clear: no change was recorded"
                : "Plan cleared: \(discarded) recorded \(discarded == 1 ? "change" : "changes") discarded (nothing was sent)")
        case "plan":
            guard let plan = session.planFromSessionThread() else {
                output.note("No plan: nothing was recorded (turn recording on with :dry-run on)")
                break
            }
            output.note(Diagnostics.planText(plan))
            if !command.argument.isEmpty {
                do {
                    try plan.save(to: command.argument, announce: output.diagnostic)
                } catch {
                    report("\(error)")
                }
            }
        case "table":
            _ = evaluating { evaluator.showAsTable(command.argument.isEmpty ? nil : command.argument) }
        default:
            report("unknown command ':\(command.name)' (:help lists the commands)")
        }
        return .proceed
    }
}

/// A REPL command line: `:name argument...`. `::label::` is Lua (a goto label), not a command.
struct ReplCommandLine: Equatable {
    var name: String
    var argument: String

    init(name: String, argument: String) {
        self.name = name
        self.argument = argument
    }

    init?(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(":"), !trimmed.hasPrefix("::") else { return nil }
        let body = trimmed.dropFirst()
        let name = body.prefix { !$0.isWhitespace }
        self.name = String(name)
        self.argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    }

    /// The commands the REPL knows (with their aliases).
    static let names: Set<String> = ["quit", "q", "exit", "help", "h", "?", "dry-run", "plan", "table"]

    static let help = """
        Type Lua statements or expressions; an expression's value is printed.
        An unfinished statement continues on the >> prompt.

          :help               this text
          :dry-run on|off     record create/patch/delete instead of sending them (tf.dry_run follows)
          :plan [FILE]        show the changes recorded under dry-run; with FILE, also save
                              them there for tfscript apply FILE
          :plan clear         discard the recorded changes (:plan ./clear saves to a file named clear)
          :table [EXPR]       show EXPR (default: the last result) as a table of records
          :quit               leave (or Ctrl-D)

        tf.show(list [, {"name", "region", "state"}]) prints records as an aligned table.
        Tab completes globals and fields (tf.endpoints.<Tab>). Ctrl-C interrupts a running
        statement (including tf.sleep and tf.endpoints.wait) or clears the line.
        """
}
