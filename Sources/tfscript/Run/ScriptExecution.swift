import Foundation
import Logging
import TFScript
import TFScriptLuaHost

/// One `tfscript run`: parses nothing and composes nothing itself; it opens the engine, runs
/// the script with output streamed to stdout, and applies the CLI's policies around it:
/// diagnostics on stderr, the last-resort watchdog, plan printing and saving, exit codes.
struct ScriptExecution {
    var script: ScriptSource
    var options: ScriptOptions
    /// `-o json|table`: prints what the main chunk returned once the run succeeded.
    var results = ResultPrinter(options: ResultOptions())
    /// A live run's change lines; its total is written once the run has ended.
    var changes: ChangeReportDisplay?
    var connection: ConnectionOptions
    var dryRun: DryRunOptions
    var journalPath: String?
    var logger: Logger
    /// The run's id: in its journal lines and its summary.
    var runID: String
    /// Set for a built-in command (`endpoints patch`): a failure is then tfscript's own line,
    /// `tfscript: endpoints patch: MESSAGE`, not a script's error with a position and traceback.
    var builtIn: String?
    /// How long past the timeout the watchdog waits before ending the process.
    var watchdogGrace: Duration = Self.defaultWatchdogGrace

    /// 2 s, or `TFSCRIPT_WATCHDOG_GRACE_MS` (for tests that must see the watchdog fire: with
    /// a grace of 0 it ends a run stuck in one uninterruptible C call at its timeout).
    static let defaultWatchdogGrace: Duration = ProcessInfo.processInfo.environment["TFSCRIPT_WATCHDOG_GRACE_MS"]
        .flatMap { Int($0) }.map { .milliseconds(max(0, $0)) } ?? .seconds(2)

    /// Runs the script; returns the exit code and puts the engine's counts in `summary`.
    func run(summary: inout RunSummary) async throws -> Int32 {
        let journal = try Journal.openForCommand(journalPath, runID: runID)
        RunTermination.shared.attach(journal: journal)
        let statistics = CallStatistics()
        RunTermination.shared.attach(statistics: statistics)
        let (code, result, unprintable) = try await connection.withEngine(logger: logger) { engine in
            var options = options
            options.journal = journal
            options.output = StandardOutput.sink
            let watchdog = options.timeout.map {
                Watchdog(after: $0 + watchdogGrace, grace: watchdogGrace, message: "timeout of \(LimitSyntax.formatDuration($0)) exceeded")
            }
            // In a task of its own, so the first SIGINT/SIGTERM/SIGHUP can cancel it (the engine
            // then stops the script as it does for Ctrl-C in a library: exit 3, interrupted).
            let (script, runOptions) = (script, options)
            let started = ContinuousClock.now
            let work = Task { await CallStatistics.$current.withValue(statistics) { await engine.run(script, options: runOptions) } }
            var result = await ProcessSignals.shared.whileRunning(work)
            // The watchdog stays armed while the result is printed: that is work for the script too.
            defer { watchdog?.cancel() }
            if result.status == .interrupted, let signal = ProcessSignals.shared.receivedName {
                let message = Self.interruption(signal, sent: result.changesSent, journal: journalPath)
                result.error = message
                result.failure = ScriptFailure(message: message)
            }
            // A result that cannot be shown fails the command, after the plan is reported.
            var unprintable: CommandFailure?
            if result.status == .ok {
                do {
                    let limits = ResultPrinter.Limits(
                        bytesLeft: options.maxOutput.map { max(0, $0 - StandardOutput.bytesPrinted) },
                        deadline: options.timeout.map { started.advanced(by: $0) }, timeout: options.timeout,
                        interrupted: { ProcessSignals.shared.receivedName != nil })
                    var printer = results
                    printer.prettyJSON = isatty(1) == 1
                    if let text = try printer.text(for: result, limits: limits) { StandardOutput.write(text) }
                } catch let failure as CommandFailure {
                    unprintable = failure
                }
            }
            StandardOutput.flush()
            return (try report(result), result, unprintable)
        }
        summary.count(result)
        summary.count(statistics)
        if let unprintable { throw unprintable }
        if let problem = StandardOutput.failure {
            throw CommandFailure(exitCode: code == 0 ? 1 : code, message: "cannot write to stdout: \(problem); output was lost (check the disk, or where stdout goes)")
        }
        return code
    }

    /// `GET …: HTTP 401 …` of `tf.endpoints.list: GET …: HTTP 401 …`: a built-in command's
    /// failure names the command, not the `tf` function its script called.
    static func withoutFunction(_ message: String) -> String {
        guard message.hasPrefix("tf."), let colon = message.range(of: ": "),
              !message[..<colon.lowerBound].contains(" ") else { return message }
        return String(message[colon.upperBound...])
    }

    /// The message of a run a signal stopped: which signal, and what had been sent by then.
    static func interruption(_ signal: String, sent: Int, journal: String?) -> String {
        var message = "interrupted by \(signal)"
        if sent > 0 {
            message += ": \(sent) \(sent == 1 ? "change was" : "changes were") sent before the run stopped"
            message += journal.map { " (outcomes in the journal \($0))" } ?? " (check the endpoints; --journal FILE records each change)"
        }
        return message
    }

    /// Prints the diagnostic and, under dry-run, the plan; returns the exit code.
    private func report(_ result: ScriptResult) throws -> Int32 {
        if result.outputTruncated, let max = options.maxOutput {
            Diagnostics.write("tfscript: output truncated at \(LimitSyntax.formatBytes(max)) (--max-output)\n", event: "output.truncated", level: .warning)
        }
        changes?.finish(sent: result.changesSent)
        if let error = result.error {
            if let builtIn, result.status == .scriptError || result.status == .guardrailRefused {
                Diagnostics.failure(CommandFailure(exitCode: result.exitCode, message: "\(builtIn): \(Self.withoutFunction(result.failure?.message ?? error))"))
            } else {
                Diagnostics.runFailure(error, result: result)
            }
        }
        guard let plan = result.plan else { return result.exitCode }
        // A failed script's plan is shown (so the operator sees how far it got) but never
        // saved: applying half a plan is a surprise.
        guard result.status == .ok else {
            if !plan.isEmpty {
                let why = switch result.status {
                case .interrupted: "The run was interrupted"
                case .limitExceeded: "The run was stopped by a limit"
                default: "The script failed"
                }
                Diagnostics.plan(plan, heading: "\n\(why), so this plan is incomplete and was not saved:\n\n", complete: false)
            }
            return result.exitCode
        }
        Diagnostics.plan(plan, heading: "\n", complete: true)
        if let path = dryRun.planOut { try plan.save(to: path) }
        if dryRun.detailedExitCode, !plan.isEmpty { return 5 }
        return result.exitCode
    }
}
