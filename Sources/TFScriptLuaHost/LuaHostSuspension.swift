internal import TFScriptLuaShims
internal import TFScriptCLua

/// The identity of one Lua coroutine (a thread of a state), for host code that schedules
/// coroutines. Valid while the coroutine is alive; anchor the coroutine (keep it referenced
/// from Lua) for as long as you use its identity, or the address may be reused.
public struct LuaCoroutineID: Hashable, Sendable, CustomStringConvertible {
    let address: UInt

    init(_ L: OpaquePointer) { address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(L))) }

    public var description: String { "coroutine 0x" + String(address, radix: 16) }
}

/// Thrown by a host function to suspend the coroutine that called it, as OpenResty's cosockets
/// do: the coroutine yields `value` to whoever resumed it.
///
/// The yield happens in C after the host function has returned (no longjmp crosses Swift).
/// When the coroutine is resumed, **the host function runs again** with the same arguments; it
/// finds what it started before suspending in ``LuaHostCall/journal`` (a replay log) and
/// either answers or suspends again. Throw it only when ``LuaHostCall/canSuspend`` is true;
/// otherwise the call fails with an error.
public struct LuaHostSuspension: Error {
    /// What the resumer's `coroutine.resume` receives after `true`.
    public var value: LuaValue

    public init(yielding value: LuaValue) { self.value = value }
}

/// What one host call keeps across the suspensions of its coroutine: a replay log.
///
/// Each run of the call reads the entries earlier runs recorded, in order, with ``next()``;
/// past the end it records new ones with ``append(_:)``. The journal lives until the host call
/// returns or throws anything but a ``LuaHostSuspension``. Confined to the Lua thread.
public final class LuaHostCallJournal {
    private var entries: [AnyObject] = []
    private var cursor = 0
    var argumentCount: Int32 = 0

    init() {}

    /// The next entry an earlier run of this call recorded, or nil past the last one.
    public func next() -> AnyObject? {
        guard cursor < entries.count else { return nil }
        defer { cursor += 1 }
        return entries[cursor]
    }

    /// Records an entry for later runs (after the current position).
    public func append(_ entry: AnyObject) {
        entries.removeSubrange(cursor...)
        entries.append(entry)
        cursor += 1
    }

    /// Starts a new run: reading from the first entry again.
    func rewind() { cursor = 0 }
}

extension LuaHostCall {
    /// Whether the calling coroutine can be suspended: it is not the main thread and no C call
    /// that cannot yield (a metamethod, `table.sort`'s comparator, …) is in the way.
    public var canSuspend: Bool { lua_isyieldable(stack.L) != 0 }

    /// The coroutine (thread) that made this call.
    public var coroutine: LuaCoroutineID { LuaCoroutineID(stack.L) }

    /// The identity of argument `n` when it is a coroutine (`coroutine.create`'s result).
    public func coroutine(ofArgument n: Int) -> LuaCoroutineID? {
        guard n >= 1, n <= argumentCount, let thread = lua_tothread(stack.L, Int32(n)) else { return nil }
        return LuaCoroutineID(thread)
    }

    /// This call's replay log, kept across suspensions (see ``LuaHostSuspension``).
    public var journal: LuaHostCallJournal {
        if let journal = passthrough.journal { return journal }
        let journal = LuaHostCallJournal()
        passthrough.journal = journal
        return journal
    }

    /// Leaves the arguments and the yielded value on the stack and tells the trampoline to yield.
    func suspend(_ suspension: LuaHostSuspension) -> Int32 {
        let L = stack.L
        guard lua_isyieldable(L) != 0 else {
            return pushError(LuaHostError("a host function tried to suspend a coroutine that cannot yield (internal error)"))
        }
        let journal = self.journal
        journal.argumentCount = Int32(argumentCount)
        lua_settop(L, Int32(argumentCount))
        do {
            try stack.push(suspension.value)
        } catch {
            return pushError(error)
        }
        state.suspendedHostCalls[coroutine] = journal
        return TFS_HOST_YIELD
    }
}

extension LuaState {
    /// Called by the dispatcher first: the journal of a host call being re-run after its
    /// coroutine was resumed (with the stack cut back to the call's own arguments), else nil.
    func resumedHostCall(on L: OpaquePointer) -> LuaHostCallJournal? {
        guard !suspendedHostCalls.isEmpty else { return nil }
        let id = LuaCoroutineID(L)
        // A fresh call on a thread with an entry means the entry is stale (its coroutine died
        // suspended and the address was reused): drop it.
        guard let journal = suspendedHostCalls.removeValue(forKey: id), tfs_host_call_resumed(L) != 0 else { return nil }
        // Whoever resumed may have passed values: the call sees only its own arguments.
        lua_settop(L, journal.argumentCount)
        journal.rewind()
        return journal
    }

    /// Marks `coroutine` as scheduled by `owner` (nil clears it), so host functions it calls
    /// can find their scheduler with ``owner(of:)``. Confined to the Lua thread.
    public func setOwner(_ owner: AnyObject?, of coroutine: LuaCoroutineID) {
        coroutineOwners[coroutine] = owner
        if owner == nil { suspendedHostCalls[coroutine] = nil }
    }

    /// The scheduler of `coroutine`, if one claimed it with ``setOwner(_:of:)``.
    public func owner(of coroutine: LuaCoroutineID) -> AnyObject? {
        coroutineOwners.isEmpty ? nil : coroutineOwners[coroutine]
    }
}
