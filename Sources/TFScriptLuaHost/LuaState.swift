internal import TFScriptLuaShims
internal import TFScriptCLua
import Foundation

/// One Lua 5.4 state with its memory budget, count hook and (optionally) the sandbox.
///
/// Used by one thread at a time, a Lua thread (see ``LuaThread``); never Sendable. (A state
/// built ahead of its run is handed to the run's thread through a lock, once.) Every call that
/// could raise a Lua error goes through the C shim under `lua_pcall`, so a Lua error never
/// unwinds through Swift. Each script run should get a fresh state.
public final class LuaState {
    let L: OpaquePointer
    /// The configuration the state was built with (or adopted, see ``adopt(configuration:interruptHandle:)``).
    public internal(set) var configuration: LuaStateConfiguration
    /// Stops the running script from any thread.
    public internal(set) var interruptHandle: LuaInterruptHandle
    /// Host closures owned by the state; Lua closures point at them unretained.
    var hostFunctions: [HostFunctionBox] = []
    /// Libraries installed into the state (``install(_:)``): kept while it lives, as Lua
    /// closures point at their functions unretained.
    var libraries: [LuaHostLibrary] = []
    /// Host calls whose coroutine is suspended, by coroutine (see ``LuaHostSuspension``).
    var suspendedHostCalls: [LuaCoroutineID: LuaHostCallJournal] = [:]
    /// The async work host functions started for this state; the end of a run cancels what
    /// is still in flight (see ``HostTaskSet``).
    public let hostTasks = HostTaskSet()
    /// Which host scheduler runs which coroutine (see ``setOwner(_:of:)``).
    var coroutineOwners: [LuaCoroutineID: AnyObject] = [:]
    /// The output sink, kept alive for the C side (released after `tfs_close`).
    var outputBox: OutputSinkBox?
    /// What the host keeps in the state for its functions: a ``LuaHostLibrary``'s functions
    /// serve every state they are installed in and find their run here (the `tf` module's).
    package var hostContext: (any Sendable)?

    /// Builds a state: allocator with the memory limit, count hook, then the sandboxed library.
    /// Throws if the sandbox cannot be built or its self-check fails (never run a script then).
    ///
    /// - Parameter interruptHandle: pass one made beforehand when another thread may need to
    ///   stop the script before the state exists (task cancellation races the set-up).
    public init(configuration: LuaStateConfiguration = LuaStateConfiguration(), interruptHandle: LuaInterruptHandle = LuaInterruptHandle()) throws {
        self.configuration = configuration
        self.interruptHandle = interruptHandle
        self.outputBox = configuration.output.map(OutputSinkBox.init)
        let limit = max(0, configuration.memoryLimit ?? 0)
        guard let L = tfs_newstate(limit, interruptHandle.flag, luaHostDispatch) else {
            throw LuaError(kind: .limit(.memory), message: "cannot create a Lua state: out of memory")
        }
        self.L = L
        tfs_set_host(L, Unmanaged.passUnretained(self).toOpaque())
        applyRunSettings()
        if let sandbox = configuration.sandbox { try withCollectorPaused { try openSandbox(sandbox) } }
    }

    /// Runs host set-up (the sandbox, modules, preludes) with the garbage collector paused.
    ///
    /// Why: everything set-up allocates stays alive, yet a fresh state's collector starts
    /// with a tiny threshold and ran several full cycles over it, about a tenth of a small
    /// run (issue 21). The memory limit is unchanged: an allocation over budget still gets
    /// Lua's emergency collection. Nests; the collector runs again when the outermost ends.
    public func withCollectorPaused<T>(_ body: () throws -> T) rethrows -> T {
        let wasRunning = tfs_collector_pause(L)
        defer { tfs_collector_resume(L, wasRunning) }
        return try body()
    }

    deinit { tfs_close(L) }

    /// The settings C keeps per run: limit messages, where `print` goes and its cap.
    func applyRunSettings() {
        tfs_set_limit_messages(
            L, configuration.message(for: .memory), configuration.message(for: .timeout),
            configuration.message(for: .interrupt))
        if let outputBox {
            tfs_set_output_sink(L, luaOutputDispatch, Unmanaged.passUnretained(outputBox).toOpaque())
        } else {
            tfs_set_output_sink(L, nil, nil)
        }
        tfs_set_output(L, configuration.maxOutputBytes ?? 0)
    }

    /// States built and not closed yet, in the whole process: tests prove with it that runs
    /// leave no state behind (issue 21).
    package static var liveCount: Int { tfs_live_states() }

    /// Threads the pool of Lua threads holds now, busy or idle (see ``LuaThread``).
    package static var pooledThreadCount: Int { LuaThreadPool.shared.threadCount }

    private func openSandbox(_ sandbox: LuaStateConfiguration.Sandbox) throws {
        let status = withCStrings(sandbox.requirePaths) { dirs in
            let variables = sandbox.environment.sorted { $0.key < $1.key }
            return withCStrings(variables.map(\.key)) { names in
                withCStrings(variables.map(\.value)) { values in
                    var options = tfs_sandbox_options(
                        search_dirs: dirs.baseAddress, search_dir_count: Int32(dirs.count),
                        env_names: names.baseAddress, env_values: values.baseAddress, env_name_count: Int32(names.count),
                        has_seed: sandbox.randomSeed == nil ? 0 : 1, seed: sandbox.randomSeed ?? 0)
                    return relaxed { tfs_open_sandbox(L, &options) }
                }
            }
        }
        if status != LUA_OK {
            let message = relaxed { LuaStack(L: L, state: self).popString() }
            throw LuaError(kind: .runtime, message: "sandbox self-check failed: \(message)")
        }
    }

    /// When the timeout expires (set by ``startClock()``); nil without a timeout. Host functions
    /// that block (waiting for HTTP, `tf.sleep`) should give up by then: the hook cannot fire
    /// while Swift code runs.
    public private(set) var deadline: ContinuousClock.Instant?

    /// Starts the wall-clock timeout (if configured) from now.
    ///
    /// No hook watches the clock while the script runs (that would make every instruction
    /// slower): a timer fires at the deadline and arms the hook of whichever coroutine is
    /// running. A later `startClock` (the REPL's next chunk) makes an earlier timer a no-op.
    public func startClock() {
        deadline = configuration.timeout.map { ContinuousClock.now + $0 }
        guard let timeout = configuration.timeout else {
            _ = tfs_set_deadline_after_ns(L, 0)
            return
        }
        let (seconds, attoseconds) = timeout.components
        let (whole, overflow) = max(0, seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let nanoseconds = overflow ? Int64.max / 2 : whole + max(0, attoseconds) / 1_000_000_000
        let generation = tfs_set_deadline_after_ns(L, max(1, nanoseconds))
        let handle = interruptHandle
        let delay = DispatchTimeInterval.nanoseconds(Int(clamping: min(nanoseconds, Self.longestTimer)))
        Self.deadlineQueue.asyncAfter(deadline: .now() + delay) {
            handle.fireDeadline(generation: generation)
        }
    }

    /// Where deadline timers fire: a serial queue of its own, which libdispatch serves with a
    /// thread of its own (overcommit) even when every worker of the shared pool is busy — the
    /// global queues share their threads with Swift concurrency, so scripts blocking them (an
    /// embedder running Lua on the pool) would starve their own timeouts. The callbacks only
    /// store a flag and arm a hook, so one queue serves every state.
    private static let deadlineQueue = DispatchQueue(label: "tfscript.lua.deadlines")

    /// Timers further out than this (a century) are not scheduled at their full length.
    private static let longestTimer: Int64 = 100 * 365 * 24 * 3600 * 1_000_000_000

    /// The limit that stopped the script, if any (sticky until ``resetLimits()``).
    public var trippedLimit: LuaLimit? { Self.limit(fromCode: tfs_limit_tripped(L)) }

    /// Clears a tripped limit and a pending interrupt, e.g. after Ctrl-C in the REPL.
    public func resetLimits() { tfs_reset_limits(L) }

    /// Bytes the Lua heap uses now.
    public var memoryUsed: Int { Int(tfs_memory_used(L)) }

    /// Bytes left in the memory budget (nil without a limit), for host work that builds
    /// something for the script and must not outgrow it.
    public var memoryRemaining: Int? {
        let limit = Int(tfs_memory_limit(L))
        guard limit > 0 else { return nil }
        return max(0, limit - memoryUsed)
    }

    /// Charges `bytes` of host memory held for the script (an API page, a plan entry) to its
    /// budget, after a full collection if needed. False, with the memory limit tripped (the
    /// script's next step raises it), when they do not fit. Give them back with ``uncharge(_:)``.
    public func charge(_ bytes: Int) -> Bool { tfs_charge(L, max(0, bytes)) != 0 }

    /// Gives back bytes charged with ``charge(_:)``.
    public func uncharge(_ bytes: Int) { tfs_uncharge(L, max(0, bytes)) }

    /// The most bytes the Lua heap has used so far.
    public var memoryPeak: Int { Int(tfs_memory_peak(L)) }

    /// Whether `print` output was truncated by the output cap.
    public var outputWasTruncated: Bool { tfs_output_truncated(L) != 0 }

    static func limit(fromCode code: Int32) -> LuaLimit? {
        switch code {
        case TFS_LIMIT_MEMORY: .memory
        case TFS_LIMIT_TIMEOUT: .timeout
        case TFS_LIMIT_INTERRUPT: .interrupt
        default: nil
        }
    }

    /// Runs host work that allocates in Lua with the memory limit relaxed; the budget is
    /// checked when it ends (a breach trips the memory limit for the script's next step).
    func relaxed<T>(_ body: () throws -> T) rethrows -> T {
        tfs_relax_begin(L)
        defer { _ = tfs_relax_end(L) }
        return try body()
    }
}

@available(*, unavailable)
extension LuaState: Sendable {}

/// Calls `body` with a NULL-free array of C strings valid for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer(body)
}
