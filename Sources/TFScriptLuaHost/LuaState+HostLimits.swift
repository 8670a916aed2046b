public import Dispatch
internal import TFScriptLuaShims

extension LuaState {
    /// For host functions that block (waiting for HTTP, sleeping): whether the script's
    /// timeout has passed or an interrupt was requested. When one has, the limit is tripped
    /// (sticky, so `pcall` cannot swallow it) and the error to throw is returned.
    public func limitReachedDuringHostCall() -> LuaError? {
        guard let limit = Self.limit(fromCode: tfs_check_limits(L)) else { return nil }
        return LuaError(kind: .limit(limit), message: configuration.message(for: limit))
    }

    /// Where a thread blocked for a host call's answer must wake up at the latest to find the
    /// timeout: the state's deadline (interrupts and the deadline timer wake it earlier, see
    /// ``LuaInterruptHandle/waking(_:_:)``); never, without a timeout.
    public var hostWaitDeadline: DispatchTime {
        guard let deadline else { return .distantFuture }
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return .now() }
        let (seconds, attoseconds) = left.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow, nanoseconds.partialValue < Int64(UInt32.max) * 1_000_000_000 else { return .distantFuture }
        return .now() + .nanoseconds(Int(nanoseconds.partialValue + attoseconds / 1_000_000_000) + 1_000_000)
    }

    /// A meter for host work whose length the script controls (rendering a table, escaping a
    /// long text, matching names): the Swift counterpart of the C bounded functions'
    /// `tfs_check_limits_or_raise` every few thousand steps, since the count hook cannot stop
    /// Swift code. Confined to this state's thread, like the state.
    public func hostWork() -> LuaHostWork { LuaHostWork(state: self) }
}

/// Counts the steps of one piece of host work and checks the script's deadline, interrupt and
/// tripped limits every ``checkInterval`` steps. When one is due the limit is tripped (sticky:
/// the trampoline raises it once the host function returns, whatever it throws) and
/// ``step(_:)`` throws it, so a stop reaches host work as it reaches Lua code.
public final class LuaHostWork {
    /// Steps between two checks: a check reads the clock, so checks cost about nothing at this
    /// rate while a stop still lands within a millisecond or so of work.
    public static let checkInterval = 4096

    private let state: LuaState
    private var untilCheck = LuaHostWork.checkInterval

    init(state: LuaState) { self.state = state }

    /// Counts `count` steps; throws the limit error once one is due.
    @inline(__always)
    public func step(_ count: Int = 1) throws {
        untilCheck -= count
        if untilCheck < 0 { try check() }
    }

    /// Checks now; throws the limit error when one is due.
    public func check() throws {
        untilCheck = Self.checkInterval
        if let limit = state.limitReachedDuringHostCall() { throw limit }
    }

    /// A non-throwing form for code that takes a stop question rather than a throwing step
    /// (the renderers of lower modules): counts `count` steps, true once a limit is due.
    public func shouldStop(after count: Int = 1) -> Bool {
        do {
            try step(count)
            return false
        } catch {
            return true
        }
    }
}

@available(*, unavailable) extension LuaHostWork: Sendable {}
