import ArgumentParser
import Foundation
import Logging
import TFScript
import TFScriptRuntime

/// `tfscript repl`: an interactive Lua session with the `tf` module, like `lua -i`.
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Explore interactively: a Lua prompt with the tf module.",
        discussion: """
            Type Lua statements or expressions; expression values are pretty-printed (tables \
            with sorted keys, cycles marked). Unfinished input continues on a >> prompt. \
            Commands: :help, :dry-run on|off, :plan [FILE] (FILE: save it for tfscript apply), \
            :table [EXPR], :quit. The prompt reads (dry-run) > while changes are recorded. Tab completes \
            globals and fields (tf.endpoints.<Tab>); Ctrl-C interrupts a running statement; \
            Ctrl-D leaves. History is kept in $XDG_STATE_HOME/tfscript/history \
            (default ~/.local/state/tfscript/history).

            The sandbox and limits are those of run; --timeout applies to each statement. \
            Each change a live statement makes is reported on stderr (~ patched "web" (ep-1): \
            enabled true → false; -q silences it). --max-changes and --protect hold for the \
            whole session: --max-changes counts the changes sent, and separately those recorded \
            under :dry-run on.

            With stdin not a terminal, statements are read line by line without prompts or \
            colours, values go to stdout and errors to stderr; the exit code is 1 when any \
            statement failed, else 0. See docs/repl.md.

            EXAMPLE:
              tfscript repl --simulator
            """
    )

    @OptionGroup(title: "Control plane")
    var connection: ConnectionOptions

    @OptionGroup(title: "Dry run")
    var dryRun: DryRunOptions

    @OptionGroup(title: "Guardrails")
    var guardrails: GuardrailOptions

    @Option(help: ArgumentHelp(
        "Append one JSON line per mutation sent (time, operation, id, body, result) to this file.", valueName: "path"),
            completion: .file(extensions: ["jsonl"]))
    var journal: String?

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    @OptionGroup(title: "Sandbox and limits")
    var sandbox: SandboxOptions

    func validate() throws {
        if dryRun.detailedExitCode {
            throw ValidationError("--detailed-exitcode applies to run; a REPL session's exit code says whether a statement failed")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let code: Int32
        do {
            code = try await session(logger: logger).run()
        } catch let failure as CommandFailure {
            Diagnostics.failure(failure)
            throw ExitCode(failure.exitCode)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// The session these options describe (also what the REPL's in-process tests run).
    func session(logger: Logger) throws -> ReplSession {
        var options = sandbox.scriptOptions(arguments: [])
        options.waitProgress = WaitProgressDisplay(logging: logging, logger: logger).sink
        options.changes = logging.quiet ? nil : ChangeReportDisplay(logging: logging).sink
        options.guardrails = try guardrails.guardrails(connection: connection)
        return ReplSession(options: options, connection: connection, dryRun: dryRun, journalPath: journal, logger: logger)
    }
}
