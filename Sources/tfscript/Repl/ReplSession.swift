import Foundation
import TFScriptJSON
import Logging
import TFScriptLuaHost
import TFScriptRuntime
import TokenFactory

/// One `tfscript repl`: opens the control plane like `run`, builds the sandboxed state with the
/// `tf` module and the REPL prelude on a ``LuaExecutor`` thread, and runs the ``ReplLoop`` there.
struct ReplSession {
    var runConfiguration: ScriptRunConfiguration
    var connection: ConnectionOptions
    var dryRun: DryRunOptions
    var journalPath: String?
    var logger: Logger

    /// Runs the session to its end; returns the exit code.
    func run() async throws -> Int32 {
        try await ControlPlaneSession.with(connection, journalPath: journalPath, logger: logger) { session, journal in
            try await run(session: session, journal: journal)
        }
    }

    private func run(session: ControlPlaneSession, journal: Journal?) async throws -> Int32 {
        let live = session.controlPlane(journal: journal)
        let recorder = dryRun.enabled ? ScriptExecution.recorder(reading: session.reader) : nil
        let selector = ControlPlaneSelector(plane: recorder ?? live, recorder: recorder)
        let dryRunSwitch = ReplDryRun(selector: selector, live: live, reader: session.reader, baseURL: session.baseURL)
        let interactive = isatty(0) == 1
        let module = TFModule(context: ControlPlaneSession.moduleContext(selector, logger: logger))
        let configuration = runConfiguration
        let output = ReplErrorOutput.forStandardError(interactive: interactive)
        let executor = LuaExecutor<ReplEvaluator>(name: "tfscript.repl") {
            let folder = FileManager.default.currentDirectoryPath
            let state = try LuaState(configuration: configuration.stateConfiguration(scriptFolder: folder))
            try ScriptRunner.installArguments(state, configuration)
            try module.install(into: state)
            return try ReplEvaluator(state: state, errorOutput: output)
        }
        defer { executor.shutdown() }
        let interrupts = interactive ? ReplInterrupts.install() : nil
        if interactive {
            output.note("tfscript \(TFScript.version) REPL (Lua 5.4)\(dryRun.enabled ? ", dry-run on" : ""). :help for help, Ctrl-D to leave.")
        }
        let historyPath = HistoryFile.path(environment: ProcessInfo.processInfo.environment)
        let code: Int32
        do {
            code = try await executor.run { evaluator in
                let reader: any LineReader
                if let interrupts {
                    let path = historyPath.flatMap { HistoryFile.prepareFolder(for: $0) ? $0 : nil }
                    reader = EditLineReader(historyPath: path, interrupts: interrupts) { word in
                        ReplCompletion.candidates(for: word, in: evaluator.state)
                    }
                } else {
                    reader = PipedLineReader()
                }
                return ReplLoop(
                    evaluator: evaluator, reader: reader, interrupts: interrupts, dryRun: dryRunSwitch,
                    output: output, interactive: interactive
                ).run()
            }
        } catch {
            throw CommandFailure(exitCode: 1, message: "cannot start the REPL: \(error)")
        }
        try await savePlan(dryRunSwitch)
        return code
    }

    /// `--plan-out`: writes what the session recorded, when it recorded anything.
    /// Without it, a reminder that recorded changes were not sent.
    private func savePlan(_ dryRunSwitch: ReplDryRun) async throws {
        guard let plan = await dryRunSwitch.planAfterSession(), !plan.isEmpty else { return }
        guard let path = dryRun.planOut else {
            let count = plan.operations.count
            StandardError.write(
                "tfscript: this session recorded \(count) change\(count == 1 ? "" : "s") under dry-run and sent none "
                    + "(--dry-run --plan-out FILE saves them for tfscript apply)\n")
            return
        }
        try plan.save(to: path)
    }
}
