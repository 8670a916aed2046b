import Foundation
import Logging
import TFScript

/// One `tfscript repl`: opens the engine like `run`, starts an engine session (the sandboxed
/// state with the `tf` module and the session prelude, on its own thread) and runs the
/// ``ReplLoop`` there, reading lines from the terminal or a pipe.
struct ReplSession {
    var options: ScriptOptions
    var connection: ConnectionOptions
    var dryRun: DryRunOptions
    var journalPath: String?
    var logger: Logger

    /// Runs the session to its end; returns the exit code.
    func run(io: ReplIO = .process()) async throws -> Int32 {
        let journal = try Journal.openForCommand(journalPath)
        return try await connection.withEngine(logger: logger) { engine in
            var options = options
            options.dryRun = dryRun.enabled
            options.journal = journal
            options.output = io.output
            // `require` finds modules in the folder the REPL was started from, as `lua` does.
            options.libraryPaths.insert(FileManager.default.currentDirectoryPath, at: 0)
            return try await run(engine: engine, options: options, io: io)
        }
    }

    private func run(engine: ScriptEngine, options: ScriptOptions, io: ReplIO) async throws -> Int32 {
        let session: ScriptSession
        do {
            session = try await engine.session(options)
        } catch {
            throw CommandFailure(exitCode: 1, message: "cannot start the REPL: \(error)")
        }
        let interactive = io.interactive
        let output = io.errors
        let interrupts = interactive ? ReplInterrupts.install() : nil
        if interactive {
            output.note("tfscript \(ScriptEngine.version) REPL (Lua 5.4)\(dryRun.enabled ? ", dry-run on" : ""). :help for help, Ctrl-D to leave.")
        }
        let code: Int32
        do {
            code = try await session.withEvaluator { evaluator in
                ReplLoop(
                    evaluator: evaluator, reader: io.reader(evaluator, interrupts), interrupts: interrupts, session: session,
                    output: output, interactive: interactive
                ).run()
            }
        } catch {
            await session.close()
            throw CommandFailure(exitCode: 1, message: "cannot start the REPL: \(error)")
        }
        await session.close()
        StandardOutput.flush()
        try savePlan(await session.plan(), output: output)
        return code
    }

    /// `--plan-out`: writes what the session recorded, when it recorded anything.
    /// Without it, a reminder that recorded changes were not sent.
    private func savePlan(_ plan: Plan?, output: ReplErrorOutput) throws {
        guard let plan, !plan.isEmpty else { return }
        guard let path = dryRun.planOut else {
            let count = plan.operations.count
            output.write(
                "tfscript: this session recorded \(count) change\(count == 1 ? "" : "s") under dry-run and sent none; "
                    + "they were not saved (next time, :plan FILE before :quit saves them for tfscript apply, "
                    + "or start with --dry-run --plan-out FILE)\n")
            return
        }
        try plan.save(to: path, announce: output.diagnostic)
    }
}
