internal import TFScriptLuaShims

/// A thread-safe switch that stops the running script at its next hook check.
///
/// The REPL's Ctrl-C handler and a run's task-cancellation handler hold one; it may be used
/// from any thread, before the state exists, and outlives the state it belongs to (the flag is
/// freed only when the last handle goes away). One handle per state: states never share one.
public final class LuaInterruptHandle: Sendable {
    nonisolated(unsafe) let flag: OpaquePointer

    public init() {
        guard let flag = tfs_interrupt_new() else { fatalError("tfscript: out of memory") }
        self.flag = flag
    }

    deinit { tfs_interrupt_free(flag) }

    /// Asks the script to stop; it ends with ``LuaLimit/interrupt`` within ~10k instructions.
    public func requestInterrupt() { tfs_interrupt_request(flag) }

    /// Whether an interrupt was requested and not yet cleared.
    public var isInterruptRequested: Bool { tfs_interrupt_is_requested(flag) != 0 }
}
