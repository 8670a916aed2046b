import ArgumentParser
import Foundation
import Logging

/// A `run` or `apply` as a scheduler sees it: under `--lock`, ending with the summary record
/// on stderr and the `--report-url` POST, whatever the exit code.
///
/// Every path after argument parsing ends here with one exit code, so a refused lock (6), a
/// missing token (2) or a failed script (1) are reported like a success: a monitor hears of
/// every run that started.
struct ScheduledRun {
    var command: String
    var script: String
    var scheduling: SchedulingOptions
    var verbose: Bool
    /// Identifies the run in its summary, its JSON records and its journal lines.
    let runID = UUID().uuidString.lowercased()

    /// Runs `body` holding the lock; `body` returns the exit code and fills in the counts.
    func run(logger: Logger, _ body: (inout RunSummary) async throws -> Int32) async -> Int32 {
        let started = ContinuousClock.now
        var summary = RunSummary(command: command, runID: runID, script: script)
        RunTermination.shared.begin(summary, verbose: verbose, reportURL: scheduling.reportURL, logger: logger)
        ProcessSignals.shared.install()
        do {
            let lock = try await scheduling.acquireLock(logger: logger)
            summary.exitCode = try await body(&summary)
            lock?.release()
        } catch let failure as CommandFailure {
            Diagnostics.failure(failure)
            summary.exitCode = failure.exitCode
        } catch let exit as ExitCode {
            summary.exitCode = exit.rawValue
        } catch {
            Diagnostics.failure(CommandFailure(exitCode: 1, message: "\(error)"))
            summary.exitCode = 1
        }
        summary.duration = started.duration(to: .now)
        // The report first, so that `run.end` is the last line, after any warning about it.
        if let url = scheduling.reportURL, !(scheduling.reportSkipLocked && summary.exitCode == 6) {
            await RunReport.send(summary, to: url, logger: logger)
        }
        summary.write(verbose: verbose)
        return summary.exitCode
    }
}
