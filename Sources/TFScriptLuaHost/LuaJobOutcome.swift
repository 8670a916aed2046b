import Foundation
import Synchronization

/// Where a pooled Lua job's result meets the task that waits for it.
///
/// Why: a caller that suspends is resumed through Swift's executor, which must wake one of its
/// threads; on a virtual machine that wake costs tens of microseconds, more than a small run
/// (issue 21). So the caller first watches for the result for a short while
/// (``awaitBriefly()``), yielding its core, and suspends only when the job takes longer.
/// At most one caller per two cores watches at once, so watching never takes the cores the
/// jobs need; on one core no caller watches.
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

    /// The result, if the job delivers it within ``JobWatchers/limit`` (and a watcher's place is free).
    func awaitBriefly() -> Result<T, any Error>? {
        // Only a caller whose job is the only one: with more jobs in flight the cores are busy
        // with them, and watching would take their time.
        guard JobWatchers.inFlight.load(ordering: .relaxed) <= 1,
              JobWatchers.count.wrappingAdd(1, ordering: .relaxed).newValue <= JobWatchers.most else {
            JobWatchers.count.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        defer { JobWatchers.count.wrappingSubtract(1, ordering: .relaxed) }
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

/// Callers watching for a result now (``JobOutcome/awaitBriefly()``), and how many may.
enum JobWatchers {
    static let count = Atomic<Int>(0)
    /// Pooled jobs submitted whose callers have not had their result yet.
    static let inFlight = Atomic<Int>(0)
    static let most = ProcessInfo.processInfo.activeProcessorCount / 2
    /// How long a caller watches for its result before it suspends: longer than a small run,
    /// far shorter than anything that waits for the network.
    static let limit: Duration = .microseconds(100)
}
