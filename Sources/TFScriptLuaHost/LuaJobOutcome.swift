import Foundation
import Synchronization

/// Where a pooled Lua job's result meets the task that waits for it.
///
/// Why: a caller that suspends is resumed through Swift's executor, which must wake one of its
/// threads; on a virtual machine that wake costs tens of microseconds, more than a small run
/// (issue 21). So the caller first watches for the result for a short while
/// (``awaitBriefly()``), yielding its core, and suspends only when the job takes longer.
/// Only a caller whose run is the only one in flight watches, so watching never takes the
/// cores other runs need; on one core no caller watches.
final class JobOutcome<T: Sendable>: @unchecked Sendable { // `result` and `continuation` are published by `phase`
    private enum Phase: UInt8, AtomicRepresentable { case pending, delivered, parked }
    private let phase = Atomic<Phase>(.pending)
    private var result: Result<T, any Error>?
    private var continuation: CheckedContinuation<T, any Error>?

    /// On the job's thread: hands the result to the caller, watching or suspended.
    func deliver(_ result: Result<T, any Error>) {
        self.result = result
        let (delivered, _) = phase.compareExchange(expected: .pending, desired: .delivered, ordering: .acquiringAndReleasing)
        if !delivered { continuation!.resume(with: result) }
    }

    /// The result, if the job delivers it within ``JobWatchers/limit`` and its run is the only
    /// one in flight (with more, the cores are busy with them, and watching would take their
    /// time); nil otherwise.
    func awaitBriefly() -> Result<T, any Error>? {
        guard JobWatchers.enabled, JobWatchers.inFlight.load(ordering: .relaxed) <= 1 else { return nil }
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: JobWatchers.limit)
        while true {
            if phase.load(ordering: .acquiring) == .delivered { return result }
            if clock.now >= end { return nil }
            sched_yield() // a job's thread that shares this core gets it
        }
    }

    /// Suspends the caller until the result is delivered (at once when it already is).
    func park(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = continuation
        let (parked, _) = phase.compareExchange(expected: .pending, desired: .parked, ordering: .acquiringAndReleasing)
        if !parked { continuation.resume(with: result!) }
    }
}

/// When callers watch for their result (``JobOutcome/awaitBriefly()``).
enum JobWatchers {
    /// Jobs submitted whose callers have not had their result yet.
    static let inFlight = Atomic<Int>(0)
    /// Whether callers watch at all: not on one core, where watching delays the job.
    static let enabled = ProcessInfo.processInfo.activeProcessorCount > 1
    /// How long a caller watches for its result before it suspends: longer than a small run,
    /// far shorter than anything that waits for the network.
    static let limit: Duration = .microseconds(100)
}
