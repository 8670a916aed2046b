import Dispatch
import Foundation
import Logging
import Synchronization
import TFScript

/// What a `run` or `apply` must still leave behind when the process has to end before the
/// run returns: a second signal, or the last-resort watchdog (a run stuck past its timeout).
///
/// Process-wide because those two are: the CLI registers the run when it starts
/// (``begin(_:verbose:reportURL:logger:)``), its journal and counts when it has them, and
/// ``exitNow(message:event:reportWait:)`` does the bookkeeping in bounded time, then `_exit(3)`:
/// the journal's open intents get `unknown` outcomes and it is sealed, the message and the
/// `run.end` record go to stderr, the `--report-url` POST is tried, script output buffered so
/// far is flushed.
final class RunTermination: Sendable {
    static let shared = RunTermination()

    private struct Registration {
        var summary: RunSummary
        var started: ContinuousClock.Instant
        var verbose: Bool
        var reportURL: String?
        var logger: Logger?
        var journal: Journal?
        var statistics: CallStatistics?
        /// Set once ``exitNow`` has begun: a second caller waits for the process to end.
        var ending = false
    }

    private let registration = Mutex<Registration?>(nil)

    /// Registers the run that starts now.
    func begin(_ summary: RunSummary, verbose: Bool, reportURL: String?, logger: Logger) {
        registration.withLock {
            $0 = Registration(summary: summary, started: .now, verbose: verbose, reportURL: reportURL, logger: logger)
        }
    }

    /// The run's journal, so an abrupt end closes its open intents.
    func attach(journal: Journal?) {
        registration.withLock { $0?.journal = journal }
    }

    /// Where the run counts the changes it sent and its retries.
    func attach(statistics: CallStatistics) {
        registration.withLock { $0?.statistics = statistics }
    }

    /// Ends the process now with exit code 3, after the bookkeeping above; each step is
    /// bounded (`reportWait` for the report), so a stuck journal disk or monitor cannot keep
    /// the process alive.
    func exitNow(message: String, event: String, reportWait: Duration) -> Never {
        let snapshot: Registration? = registration.withLock { current in
            guard var taken = current, !taken.ending else { return nil }
            current?.ending = true
            taken.ending = true
            return taken
        }
        guard let snapshot else {
            // Another thread is already ending the process (or no run was registered).
            if registration.withLock({ $0?.ending ?? false }) { while true { sleep(60) } }
            StandardOutput.flush(blocking: false)
            Diagnostics.write("tfscript: \(message)\n", event: event, fields: ["exit_code": 3])
            _exit(3)
        }
        // Whatever blocks below (stderr to a pipe nobody reads, a journal on a hung disk), the
        // process ends within this bound.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 3 + Self.seconds(reportWait))
            _exit(3)
        }
        StandardOutput.flush(blocking: false)
        var closed = 0
        if let journal = snapshot.journal {
            closed = Self.bounded(.seconds(2)) { journal.seal(reason: message) } ?? 0
        }
        let note = closed == 0 ? "" : " (\(closed) \(closed == 1 ? "call" : "calls") in flight recorded as unknown in the journal \(snapshot.journal!.path))"
        Diagnostics.write("tfscript: \(message)\(note)\n", event: event, fields: ["exit_code": 3, "status": "interrupted"])
        var summary = snapshot.summary
        summary.exitCode = 3
        summary.duration = snapshot.started.duration(to: .now)
        if let statistics = snapshot.statistics {
            summary.count(statistics)
        }
        if let url = snapshot.reportURL, let logger = snapshot.logger, reportWait > .zero {
            let record = summary
            _ = Self.bounded(reportWait) {
                let done = DispatchSemaphore(value: 0)
                Task.detached {
                    await RunReport.send(record, to: url, logger: logger)
                    done.signal()
                }
                done.wait()
                return true
            }
        }
        summary.write(verbose: snapshot.verbose)
        _exit(3)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs `body` on a thread of its own and waits up to `limit` for it; nil when it did not
    /// finish in time (it is then abandoned: the process is about to end).
    private static func bounded<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () -> T) -> T? {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        let milliseconds = Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        guard done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return result.withLock { $0 }
    }
}
