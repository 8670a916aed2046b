import TFScriptLuaHost
import TFScriptRuntime

/// One Lua state kept across chunks: what a REPL or a chat-ops prompt needs (globals defined
/// by one line are there for the next).
///
/// The state lives on the session's own thread; chunks run one at a time, in order. Each chunk
/// gets the session's limits afresh (the timeout is per chunk; the memory limit is for the
/// whole state), and a limit or an interrupt ends the chunk, not the session. Call
/// ``close()`` when done.
public final class ScriptSession: Sendable {
    let executor: LuaExecutor<SessionEvaluator>
    let dryRun: SessionDryRun
    let composition: ScriptComposition
    let interruptHandle: LuaInterruptHandle

    init(engine: ScriptEngine, options: ScriptOptions) async throws {
        let dryRun = SessionDryRun(on: options.dryRun, connection: engine.connection, journal: options.journal, guardrails: options.guardrails)
        let interrupt = LuaInterruptHandle()
        let composition = ScriptComposition(options: options, engine: engine, planes: dryRun.controlPlanes, isDryRun: { dryRun.isOn })
        var configuration = PreparedRun.configuration(options, path: "repl")
        configuration.output = composition.output
        let stateConfiguration = configuration.stateConfiguration(requireFolders: [])
        let runConfiguration = configuration
        let executor = LuaExecutor<SessionEvaluator>(name: "tfscript.session") {
            let state = try LuaState(configuration: stateConfiguration, interruptHandle: interrupt)
            try ScriptRunner.installArguments(state, runConfiguration)
            try composition.install(into: state)
            return try SessionEvaluator(state: state)
        }
        // Surface a state that cannot be built now, not at the first chunk.
        do {
            try await executor.run { _ in }
        } catch {
            executor.shutdown()
            throw error
        }
        self.executor = executor
        self.dryRun = dryRun
        self.composition = composition
        self.interruptHandle = interrupt
    }

    /// Runs `code` (an expression's value is returned, as in `lua -i`) and reports how it
    /// ended. Cancelling the calling task interrupts the chunk; the session goes on.
    public func evaluate(_ code: String) async -> ScriptResult {
        let interrupt = interruptHandle
        // Chunks run one at a time: the counts' growth during this one is this chunk's.
        let statistics = composition.statistics
        let (sentBefore, retriesBefore, refusalsBefore) = (statistics.mutationsSent, statistics.retries, dryRun.guardrailRefusals)
        let evaluated: (SessionEvaluator.Outcome, [JSONValue], String?)
        do {
            evaluated = try await withTaskCancellationHandler {
                try await executor.run { evaluator in
                    let outcome = evaluator.evaluate(code)
                    return (outcome, evaluator.lastValues, outcome == .incomplete ? evaluator.unfinishedError(code) : nil)
                }
            } onCancel: {
                interrupt.requestInterrupt()
            }
        } catch {
            return ScriptResult(failure: .internalError, code: 1, message: "the session is closed: \(error)")
        }
        let plan = dryRun.isOn ? dryRun.plan() : nil
        var result = ScriptResult(failure: .ok, code: 0, message: "")
        result.error = nil
        result.values = evaluated.1
        result.plan = plan
        result.output = composition.capture?.take() ?? ""
        result.skippedMutations = composition.hostModules.skipped.take()
        switch evaluated.0 {
        case .succeeded: break
        case .incomplete: (result.status, result.exitCode, result.error) = (.scriptError, 1, evaluated.2)
        case .failed(let message): (result.status, result.exitCode, result.error) = (.scriptError, 1, message)
        case .limitExceeded(let message): (result.status, result.exitCode, result.error) = (.limitExceeded, 3, message)
        case .interrupted: (result.status, result.exitCode, result.error) = (.interrupted, 3, "interrupted")
        }
        result.failure = result.error.map { ScriptFailure(message: $0) }
        ScriptComposition.applyGuardrailRefusals(dryRun.guardrailRefusals - refusalsBefore, made: dryRun.guardrailChanges, to: &result)
        result.changesSent = statistics.mutationsSent - sentBefore
        result.retries = statistics.retries - retriesBefore
        result.changesPlanned = plan?.operations.count ?? 0
        return result
    }

    /// Runs `body` on the session's thread with its evaluator: for front ends that drive the
    /// state directly (the `tfscript repl` loop reads lines, completes names and prints there).
    package func withEvaluator<T: Sendable>(_ body: @escaping @Sendable (SessionEvaluator) throws -> T) async throws -> T {
        try await executor.run(body)
    }

    /// Stops the running chunk (from any thread), as Ctrl-C does.
    public func interrupt() { interruptHandle.requestInterrupt() }

    /// Whether `tf` mutations are recorded instead of sent now.
    public var isDryRun: Bool { dryRun.isOn }

    /// Switches dry-run for the chunks that follow (`tf.dry_run` follows). Recorded changes
    /// are kept when it is switched off and on again.
    public func setDryRun(_ on: Bool) async {
        dryRun.set(on)
        _ = try? await executor.run { evaluator in evaluator.setDryRunFlag(on) }
    }

    /// Switches dry-run from the session's own thread (inside ``withEvaluator(_:)``).
    package func setDryRun(_ on: Bool, in evaluator: SessionEvaluator) {
        dryRun.set(on)
        evaluator.setDryRunFlag(on)
    }

    /// Everything recorded under dry-run so far; nil when dry-run was never on.
    public func plan() async -> Plan? { dryRun.plan() }

    /// ``plan()`` for code on the session's thread (the REPL's `:plan`), which must not await.
    package func planFromSessionThread() -> Plan? { dryRun.plan() }

    /// Discards the changes recorded so far (the REPL's `:plan clear`); returns how many.
    package func clearPlan() -> Int { dryRun.clear() }

    /// Ends the session: the state is released on its thread after the queued chunks.
    public func close() async {
        executor.shutdown()
    }

    deinit { executor.shutdown() } // a session dropped without close() must not keep its thread

}

extension ScriptEngine {
    /// A session: one state across chunks, with `options`' limits per chunk, its host modules
    /// and its dry-run setting (switchable with ``ScriptSession/setDryRun(_:)``).
    public func session(_ options: ScriptOptions = ScriptOptions()) async throws -> ScriptSession {
        try await ScriptSession(engine: self, options: options)
    }
}
