import ArgumentParser
import Foundation
import TokenFactory
import Logging
import TFScriptLuaHost

/// `--lock`, `--lock-wait`, `--report-url`: what a scheduled `run` or `apply` needs so that
/// runs cannot overlap and cannot fail silently (docs/scheduling.md).
struct SchedulingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Hold an advisory lock (flock) on this file for the whole run; if another run holds it, exit 6 at once.",
        discussion: "Created mode 0600 if missing. The lock is released when the process ends, however it ends.",
        valueName: "path"),
        completion: .file())
    var lock: String?

    @Option(name: .customLong("lock-wait"), help: ArgumentHelp(
        "With --lock: wait up to this long for the lock (e.g. 30s, 5m; at most 8760h) before exiting 6.", valueName: "duration"))
    var lockWait: DurationArgument?

    @Option(name: .customLong("report-url"), help: ArgumentHelp(
        "At the end, POST the run summary (JSON: run_id, script, exit_code, duration_ms, changes_sent, changes_ok, changes_failed, changes_unknown, endpoints_changed, changes_planned, retries) to this URL.",
        discussion: "For dead-man switches and webhooks; {exit_code} in the URL is replaced by the exit code. Never sends the token or any body; a failed report is a warning and does not change the exit code.",
        valueName: "url"))
    var reportURL: String?

    @Flag(name: .customLong("report-skip-locked"), help: ArgumentHelp(
        "With --report-url: send no report for a run refused by the --lock (exit 6): another run is going, so a dead-man switch must not count this one as failed."))
    var reportSkipLocked = false

    func validate() throws {
        if lockWait != nil, lock == nil { throw ValidationError("--lock-wait needs --lock PATH") }
        if reportSkipLocked, reportURL == nil || lock == nil { throw ValidationError("--report-skip-locked needs --report-url URL and --lock PATH") }
        if let lockWait, lockWait.duration < .zero { throw ValidationError("--lock-wait must not be negative") }
        if let reportURL, RunReport.target(reportURL, exitCode: 0) == nil {
            throw ValidationError("--report-url must be an http:// or https:// URL with a host, got '\(TokenFactoryClient.Configuration.redactingCredentials(in: reportURL))'")
        }
    }

    /// Takes `--lock` (nil without one).
    /// Takes the lock; while waiting for it (`--lock-wait`), says so once, as an info log
    /// line (shown with -v, and as a record under --log-format json).
    func acquireLock(logger: Logger) async throws -> RunLock? {
        guard let lock else { return nil }
        return try await RunLock.acquire(path: lock, wait: lockWait?.duration) { holder in
            guard let wait = lockWait?.duration else { return }
            logger.info("waiting up to \(LimitSyntax.formatDuration(wait)) for the lock \(lock)\(holder.map { " (held by \($0))" } ?? "")",
                        metadata: ["event": "lock.wait", "lock": "\(lock)"])
        }
    }
}
