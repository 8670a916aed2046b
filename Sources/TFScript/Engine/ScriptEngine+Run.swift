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

/// One run: its source and configuration, where its calls go, and the parts it shares with
/// sessions (``ScriptComposition``).
struct PreparedRun {
    var configuration: ScriptRunConfiguration
    let source: [UInt8]
    let requireFolder: String?
    let recorder: RecordingControlPlane?
    /// The guardrails around the control plane, when any are set.
    let guarded: GuardedControlPlane?
    let composition: ScriptComposition
    let baseURL: String
    /// Where states built ahead wait (the engine's).
    let preparedStates: PreparedStates

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
        self.recorder = recorder
        let dryRun = options.dryRun
        let composition = ScriptComposition(
            options: options, engine: engine, planes: ControlPlaneSelector(plane: guarded ?? unguarded, recorder: recorder),
            isDryRun: { dryRun })
        self.composition = composition
        self.baseURL = engine.baseURL
        self.preparedStates = engine.preparedStates
        configuration.output = composition.output
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
        let composition = composition
        var runner = ScriptRunner(configuration: configuration, source: source, requireFolder: requireFolder) { state, _ in
            try composition.install(into: state)
        }
        runner.interruptHandle = interrupt
        if let sandbox = runner.stateConfiguration.sandbox {
            let operations = composition.context.operations
            runner.ahead = .init(
                states: preparedStates, shape: .init(sandbox: sandbox, operations: operations),
                install: ScriptComposition.aheadOfRun(operations: operations))
        }
        return runner
    }

    func result(of completion: ScriptRunner.Completion, cancelled: Bool) async -> ScriptResult {
        let plan: Plan? = if let recorder {
            Plan(baseURL: baseURL, script: configuration.scriptPath, operations: recorder.recordedOperations)
        } else { nil }
        if completion.outputTruncated {
            composition.logger.debug("script output truncated", metadata: ["max-output": "\(configuration.maxOutputBytes ?? 0)"])
        }
        let (status, message) = Self.status(of: completion.outcome, cancelled: cancelled)
        var result = ScriptResult(
            exitCode: completion.outcome.exitCode, status: status, output: composition.capture?.take() ?? "",
            values: completion.values, plan: plan, error: message,
            outputTruncated: completion.outputTruncated, skippedMutations: composition.hostModules.skipped.take(),
            valueProblems: completion.valueProblems)
        result.failure = Self.failure(of: completion.outcome, message: message)
        if let guarded {
            ScriptComposition.applyGuardrailRefusals(guarded.refusals, made: guarded.changes, to: &result)
        }
        result.changesSent = composition.statistics.mutationsSent
        result.changesPlanned = plan?.operations.count ?? 0
        result.retries = composition.statistics.retries
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
