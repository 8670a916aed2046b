import Logging
import TFScriptLuaHost
import TFScriptRuntime
import TokenFactory

/// What a run and a session assemble alike from their ``ScriptOptions``: the `tf` module and its
/// context (logger, clock, wait progress, change reports, the call counts), the host modules,
/// and where `print` goes. The one place they are put together, so a run and a REPL session
/// cannot drift apart (sessions used to count no statistics at all).
///
/// Only the control planes differ, and come in: a run's plane is fixed, a session's dry-run can
/// be switched (``SessionDryRun``).
struct ScriptComposition {
    /// What the run's `tf` module talks to and knows.
    let context: TFModule.Context
    let hostModules: HostModuleInstaller
    /// Set when `options.output` is nil: `print` is kept for ``ScriptResult/output``.
    let capture: OutputCapture?
    let output: LuaOutputSink
    let logger: Logger
    /// The calls' counts. A host that sets ``CallStatistics/current`` around a run gets them
    /// as they happen (the CLI reads them if it must end the process mid-run).
    let statistics: CallStatistics

    init(options: ScriptOptions, engine: ScriptEngine, planes: ControlPlaneSelector, isDryRun: @escaping @Sendable () -> Bool) {
        let logger = options.logger ?? engine.logger
        let statistics = CallStatistics.current ?? CallStatistics()
        var context = TFModule.Context(
            controlPlanes: planes, logger: logger, waitProgress: options.waitProgress, version: ScriptEngine.version,
            clock: options.clock ?? .continuous, statistics: statistics, changes: options.changes)
        context.operations = options.operations
        self.context = context
        self.hostModules = HostModuleInstaller(modules: options.modules, isDryRun: isDryRun)
        let capture = options.output == nil ? OutputCapture() : nil
        self.capture = capture
        self.output = options.output?.luaSink ?? capture!.sink
        self.logger = logger
        self.statistics = statistics
    }

    /// Installs `tf` and the host modules into a fresh state, before any script code runs:
    /// binds the `tf` module a state built ahead of its run already holds (``aheadOfRun``).
    func install(into state: LuaState) throws {
        if let module = state.hostContext as? TFModule {
            try module.bind(context, in: state)
        } else {
            try TFModule(context: context).install(into: state)
        }
        try hostModules.install(into: state)
    }

    /// How a state is built ahead of a run like this one: `tf` installed, not bound.
    static func aheadOfRun(operations: [EndpointOperation]) -> @Sendable (LuaState) throws -> Void {
        { state in
            try TFModule(operations: operations).installFunctions(into: state)
        }
    }

    /// A guardrail refusal ends a run (or a session's statement) with exit code 7 even when
    /// the script caught it; only a limit (3) or a usage error (2) says more.
    static func applyGuardrailRefusals(_ refusals: Int, made: Int, to result: inout ScriptResult) {
        guard refusals > 0, ![2, 3].contains(result.exitCode) else { return }
        result.exitCode = 7
        result.status = .guardrailRefused
        if result.error == nil {
            let message = "a guardrail refused \(refusals) \(refusals == 1 ? "change" : "changes") (the script caught the error); \(made) made"
            result.error = message
            result.failure = ScriptFailure(message: message)
        }
    }
}
