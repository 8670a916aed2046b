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
    var connection: ConnectionOptions
    var dryRun: DryRunOptions
    var journalPath: String?
    var logger: Logger
    /// The run's id: in its journal lines and its summary.
    var runID: String
    /// How long past the timeout the watchdog waits before ending the process.
    var watchdogGrace: Duration = .seconds(2)

    /// Runs the script; returns the exit code and puts the engine's counts in `summary`.
    func run(summary: inout RunSummary) async throws -> Int32 {
        let journal = try Journal.openForCommand(journalPath, runID: runID)
        let (code, result, unprintable) = try await connection.withEngine(logger: logger) { engine in
            var options = options
            options.journal = journal
            options.output = StandardOutput.sink
            let watchdog = options.timeout.map {
                Watchdog(after: $0 + watchdogGrace, message: "timeout of \(LimitSyntax.formatDuration($0)) exceeded")
            }
            let result = await engine.run(script, options: options)
            watchdog?.cancel()
            // A result that cannot be shown fails the command, after the plan is reported.
            var unprintable: CommandFailure?
            if result.status == .ok {
                do {
                    if let text = try results.text(for: result) { StandardOutput.write(text) }
                } catch let failure as CommandFailure {
                    unprintable = failure
                }
            }
            StandardOutput.flush()
            return (try report(result), result, unprintable)
        }
        summary.count(result)
        if let unprintable { throw unprintable }
        return code
    }

    /// Prints the diagnostic and, under dry-run, the plan; returns the exit code.
    private func report(_ result: ScriptResult) throws -> Int32 {
        if result.outputTruncated, let max = options.maxOutput {
            Diagnostics.write("tfscript: output truncated at \(LimitSyntax.formatBytes(max)) (--max-output)\n", event: "output.truncated", level: .warning)
        }
        if let error = result.error {
            Diagnostics.runFailure(error, result: result)
        }
        guard let plan = result.plan else { return result.exitCode }
        // A failed script's plan is shown (so the operator sees how far it got) but never
        // saved: applying half a plan is a surprise.
        guard result.status == .ok else {
            if !plan.isEmpty {
                Diagnostics.plan(plan, heading: "\nThe script failed, so this plan is incomplete and was not saved:\n\n", complete: false)
            }
            return result.exitCode
        }
        Diagnostics.plan(plan, heading: "\n", complete: true)
        if let path = dryRun.planOut { try plan.save(to: path) }
        if dryRun.detailedExitCode, !plan.isEmpty { return 5 }
        return result.exitCode
    }
}
