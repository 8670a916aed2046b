public import Dispatch
internal import TFScriptLuaShims
import Synchronization

/// A thread-safe switch that stops the running script: it arms the hook of the coroutine that
/// is running, so the script stops at its next instruction or call (a host call waiting for
/// HTTP is woken at once; a bounded C function stops within 4096 steps).
///
/// The REPL's Ctrl-C handler and a run's task-cancellation handler hold one; it may be used
/// from any thread, before the state exists (the state then starts with its hook armed), and
/// outlives the state it belongs to (the flag is freed only when the last handle goes away;
/// after the state is closed, a request changes nothing). One handle per state: states never
/// share one.
public final class LuaInterruptHandle: Sendable {
    nonisolated(unsafe) let flag: OpaquePointer

    public init() {
        guard let flag = tfs_interrupt_new() else { fatalError("tfscript: out of memory") }
        self.flag = flag
    }

    deinit { tfs_interrupt_free(flag) }

    /// Asks the script to stop; it ends with ``LuaLimit/interrupt``.
    public func requestInterrupt() {
        tfs_interrupt_request(flag)
        wakeWaiters()
    }

    /// The deadline timer of ``LuaState/startClock()``: stops the script with
    /// ``LuaLimit/timeout`` if that deadline is still the state's.
    func fireDeadline(generation: UInt64) {
        tfs_deadline_fire(flag, generation)
        wakeWaiters()
    }

    /// The semaphores of the host threads blocked in a wait for async work (``waking(_:_:)``).
    private let waiters = Mutex<[ObjectIdentifier: DispatchSemaphore]>([:])

    /// Runs `body` (a wait on `semaphore`) with `semaphore` signalled whenever a stop is
    /// requested or a deadline fires: a thread blocked for a host call's answer then wakes at
    /// once to check the limits, instead of polling them. A wake may be spurious (a deadline
    /// that is no longer the state's): the waiter checks the limits and waits again.
    public func waking<T>(_ semaphore: DispatchSemaphore, _ body: () throws -> T) rethrows -> T {
        let key = ObjectIdentifier(semaphore)
        waiters.withLock { $0[key] = semaphore }
        defer { waiters.withLock { _ = $0.removeValue(forKey: key) } }
        return try body()
    }

    private func wakeWaiters() {
        for semaphore in waiters.withLock({ Array($0.values) }) { semaphore.signal() }
    }

    /// Whether an interrupt was requested and not yet cleared.
    public var isInterruptRequested: Bool { tfs_interrupt_is_requested(flag) != 0 }
}
