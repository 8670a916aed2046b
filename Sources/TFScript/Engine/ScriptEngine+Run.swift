import Foundation
import Logging
import TFScriptJSON
import TFScriptLuaHost
import TFScriptRuntime
import TokenFactory

extension ScriptEngine {
    /// Runs a script to its end in a fresh sandboxed state and reports how it ended.
    ///
    /// Never throws: failures (syntax, uncaught errors, limits, an unreadable file) are
    /// results with the CLI's exit codes. Cancelling the calling task interrupts the script
    /// like Ctrl-C (the next ~10k Lua instructions, or at once while a host call waits) and the
    /// run returns with exit code 3 and status ``ScriptStatus/interrupted``.
    public func run(_ source: ScriptSource, options: ScriptOptions = ScriptOptions()) async -> ScriptResult {
        let prepared: PreparedRun
        do {
            prepared = try PreparedRun(source: source, options: options, engine: self)
        } catch {
            return ScriptResult(failure: .usageError, code: 2, message: "\(error)")
        }
        // Cancelled before it started: do not start it (a short script would end before its
        // first hook check and look as if it had not been cancelled).
        if Task.isCancelled {
            return await prepared.result(of: .init(outcome: .limitExceeded(.interrupt, message: "interrupted"), values: [], outputTruncated: false), cancelled: true)
        }
        let interrupt = LuaInterruptHandle()
        let runner = prepared.runner(interrupt: interrupt)
        let completion = await withTaskCancellationHandler {
            await runner.run()
        } onCancel: {
            interrupt.requestInterrupt()
        }
        return await prepared.result(of: completion, cancelled: Task.isCancelled)
    }
}

/// One run's composition: where calls go, what is installed, where output goes.
struct PreparedRun {
    let configuration: ScriptRunConfiguration
    let source: [UInt8]
    let requireFolder: String?
    let recorder: RecordingControlPlane?
    /// The guardrails around the control plane, when any are set.
    let guarded: GuardedControlPlane?
    let module: TFModule
    let hostModules: HostModuleInstaller
    let capture: OutputCapture?
    let baseURL: String
    let logger: Logger
    /// The run's counts. A host that sets ``CallStatistics/current`` around ``ScriptEngine/run(_:options:)``
    /// gets them as they happen (the CLI reads them if it must end the process mid-run);
    /// otherwise the run has its own.
    let statistics = CallStatistics.current ?? CallStatistics()

    init(source: ScriptSource, options: ScriptOptions, engine: ScriptEngine) throws {
        var configuration: ScriptRunConfiguration
        switch source {
        case .text(let text, let name):
            self.source = ScriptRunner.skippingShebang(Array(text.utf8))
            self.requireFolder = nil
            configuration = Self.configuration(options, path: name)
        case .bytes(let bytes, let name):
            self.source = ScriptRunner.skippingShebang(bytes)
            self.requireFolder = nil
            configuration = Self.configuration(options, path: name)
        case .file(let path):
            self.source = try ScriptRunner.readScript(path)
            self.requireFolder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            configuration = Self.configuration(options, path: path)
        }
        let recorder = options.dryRun ? engine.connection.recorder() : nil
        let unguarded = recorder ?? engine.connection.controlPlane(journal: options.journal)
        let guarded = options.guardrails.isEmpty ? nil : GuardedControlPlane(unguarded, guardrails: options.guardrails)
        self.guarded = guarded
        let plane: any ControlPlane = guarded ?? unguarded
        self.recorder = recorder
        let logger = options.logger ?? engine.logger
        self.module = TFModule(context: TFModule.Context(
            controlPlanes: ControlPlaneSelector(plane: plane, recorder: recorder),
            logger: logger, waitProgress: options.waitProgress, version: ScriptEngine.version,
            clock: options.clock ?? .continuous, statistics: statistics, changes: options.changes))
        let dryRun = options.dryRun
        self.hostModules = HostModuleInstaller(modules: options.modules, isDryRun: { dryRun })
        let capture = options.output == nil ? OutputCapture() : nil
        self.capture = capture
        self.baseURL = engine.baseURL
        self.logger = logger
        configuration.output = options.output?.luaSink ?? capture!.sink
        self.configuration = configuration
    }

    static func configuration(_ options: ScriptOptions, path: String) -> ScriptRunConfiguration {
        ScriptRunConfiguration(
            scriptPath: path, arguments: options.arguments, argumentBytes: options.argumentBytes, variables: options.vars,
            libraryPaths: options.libraryPaths, environment: options.environment,
            randomSeed: options.seed, memoryLimit: options.memoryLimit, timeout: options.timeout,
            maxOutputBytes: options.maxOutput)
    }

    func runner(interrupt: LuaInterruptHandle) -> ScriptRunner {
        let module = module
        let hostModules = hostModules
        var runner = ScriptRunner(configuration: configuration, source: source, requireFolder: requireFolder) { state, _ in
            try module.install(into: state)
            try hostModules.install(into: state)
        }
        runner.interruptHandle = interrupt
        return runner
    }

    func result(of completion: ScriptRunner.Completion, cancelled: Bool) async -> ScriptResult {
        let plan: Plan? = if let recorder {
            Plan(baseURL: baseURL, script: configuration.scriptPath, operations: await recorder.recordedOperations)
        } else { nil }
        if completion.outputTruncated {
            logger.debug("script output truncated", metadata: ["max-output": "\(configuration.maxOutputBytes ?? 0)"])
        }
        let (status, message) = Self.status(of: completion.outcome, cancelled: cancelled)
        var result = ScriptResult(
            exitCode: completion.outcome.exitCode, status: status, output: capture?.take() ?? "",
            values: completion.values, plan: plan, error: message,
            outputTruncated: completion.outputTruncated, skippedMutations: hostModules.skipped.take(),
            valueProblems: completion.valueProblems)
        result.failure = Self.failure(of: completion.outcome, message: message)
        // A guardrail refusal ends the run with its own code even when the script caught it;
        // only a limit (3) or a usage error (2) says more.
        if let guarded, guarded.refusals > 0, ![2, 3].contains(result.exitCode) {
            result.exitCode = 7
            result.status = .guardrailRefused
            if result.error == nil {
                let message = "a guardrail refused \(guarded.refusals) \(guarded.refusals == 1 ? "change" : "changes") (the script caught the error); \(guarded.changes) made"
                result.error = message
                result.failure = ScriptFailure(message: message)
            }
        }
        result.changesSent = statistics.mutationsSent
        result.changesPlanned = plan?.operations.count ?? 0
        result.retries = statistics.retries
        return result
    }

    static func failure(of outcome: ScriptOutcome, message: String?) -> ScriptFailure? {
        switch outcome {
        case .success: nil
        case .scriptError(let error): ScriptFailure(error)
        default: message.map { ScriptFailure(message: $0) }
        }
    }

    static func status(of outcome: ScriptOutcome, cancelled: Bool) -> (ScriptStatus, String?) {
        switch outcome {
        case .success: (.ok, nil)
        case .scriptError(let error): (.scriptError, error.description)
        case .limitExceeded(let limit, let message):
            limit == .interrupt || cancelled ? (.interrupted, cancelled ? "cancelled" : message) : (.limitExceeded, message)
        case .usageError(let message): (.usageError, message)
        case .internalError(let message): (.internalError, "internal error: \(message)")
        }
    }
}

extension ScriptResult {
    init(failure status: ScriptStatus, code: Int32, message: String) {
        self.init(exitCode: code, status: status, output: "", values: [], plan: nil, error: message, outputTruncated: false, skippedMutations: [])
        if status != .ok { failure = ScriptFailure(message: message) }
    }
}
