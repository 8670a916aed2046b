import Dispatch
public import TFScriptLuaHost
import Synchronization

/// The one bridge from a Lua host call to async Swift work: the `tf` functions (HTTP, sleeps)
/// and embedders' host modules all go through ``run(_:suspending:_:)``.
///
/// It blocks the Lua thread until the work ends. The Lua state lives on its own thread (never on Swift concurrency's pool), so blocking it
/// is safe. While blocked, the bridge wakes for the script's timeout and interrupt (Ctrl-C in
/// the REPL; ``LuaInterruptHandle/waking(_:_:)``, no polling): a request in flight cannot be
/// interrupted by Lua's count hook, so the bridge cancels the work itself and raises the limit
/// error, which scripts cannot catch.
///
/// Inside a `tf.parallel` worker the same call does not block: ``run(_:suspending:_:)``
/// hands the work to the worker's ``ParallelRun`` and suspends the worker's coroutine.
public enum HostBridge {
    /// Runs a host call's async work: suspends the calling coroutine when it is a
    /// `tf.parallel` worker that can yield (and `suspending` is true), blocks otherwise
    /// (the main chunk, a script's own coroutines, inside `table.sort` callbacks, …).
    public static func run<T: Sendable>(
        _ call: LuaHostCall, suspending: Bool = true, _ operation: @escaping @Sendable () async throws -> T
    ) throws -> T {
        if suspending, call.canSuspend, let run = call.state.owner(of: call.coroutine) as? ParallelRun {
            return try run.perform(call, operation)
        }
        return try run(on: call.state, operation)
    }

    /// Whether ``run(_:suspending:_:)`` would suspend this call (a `tf.parallel` worker) rather
    /// than block. A suspended call is replayed from its start when it resumes, so a host
    /// function that makes several waits should make one there.
    public static func suspends(_ call: LuaHostCall) -> Bool {
        call.canSuspend && call.state.owner(of: call.coroutine) is ParallelRun
    }

    private final class Slot<T: Sendable>: Sendable {
        let value = Mutex<Result<T, any Error>?>(nil)
    }

    /// How long a cancelled operation may take to wind down before the run ends anyway.
    public static let cancellationGrace: Duration = .seconds(1)
    /// ``cancellationGrace`` for Dispatch waits.
    static let cancellationGraceInterval = DispatchTimeInterval.seconds(Int(cancellationGrace.components.seconds))

    /// How long the end of a run (or of a REPL statement) waits for the host work it cancels to
    /// wind down: a cancelled request ends in milliseconds, but a loaded machine must not turn
    /// that into a journal intent without its outcome.
    public static let endOfRunGrace: Duration = .seconds(5)

    /// Blocks the Lua thread until `operation` ends, cancelling it when the run's timeout or
    /// interrupt trips (then the limit error is thrown).
    ///
    /// After cancelling, it waits for the operation to wind down (up to
    /// ``cancellationGrace``), so what the operation does on cancellation (a journal's
    /// `unknown` outcome for a request in flight) is done before the run ends.
    public static func run<T: Sendable>(on state: LuaState, _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let slot = Slot<T>()
        let done = DispatchSemaphore(value: 0)
        let task = state.hostTasks.start {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            slot.value.withLock { $0 = result }
            done.signal()
        }
        // No polling: the semaphore is signalled by the answer, by an interrupt and by the
        // deadline timer, and the wait ends at the deadline anyway; each wake checks the limits.
        return try state.interruptHandle.waking(done) {
            while true {
                if let result = slot.value.withLock({ $0 }) { return try result.get() }
                if let limit = state.limitReachedDuringHostCall() {
                    task.cancel()
                    let grace = DispatchTime.now() + cancellationGraceInterval
                    while slot.value.withLock({ $0 }) == nil, done.wait(timeout: grace) == .success {}
                    throw limit
                }
                _ = done.wait(timeout: state.hostWaitDeadline)
            }
        }
    }
}
