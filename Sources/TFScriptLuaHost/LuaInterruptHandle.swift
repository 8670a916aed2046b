internal import TFScriptLuaShims

/// A thread-safe switch that stops the running script: it arms the hook of the coroutine that
/// is running, so the script stops at its next instruction or call (a host call waiting for
/// HTTP sees it within 20 ms; a bounded C function within 4096 steps).
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
    public func requestInterrupt() { tfs_interrupt_request(flag) }

    /// The deadline timer of ``LuaState/startClock()``: stops the script with
    /// ``LuaLimit/timeout`` if that deadline is still the state's.
    func fireDeadline(generation: UInt64) { tfs_deadline_fire(flag, generation) }

    /// Whether an interrupt was requested and not yet cleared.
    public var isInterruptRequested: Bool { tfs_interrupt_is_requested(flag) != 0 }
}
