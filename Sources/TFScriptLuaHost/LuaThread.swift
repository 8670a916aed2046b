import Foundation
import Synchronization
internal import TFScriptLuaShims

/// Runs Lua work on a dedicated thread with a large stack, from async code.
///
/// Lua and the host functions it calls may block (a host function waiting for HTTP does, by
/// design), so they never run on Swift concurrency's cooperative pool. Create or take the
/// ``LuaState`` inside `body`: no other thread uses it while `body` runs, and it is closed
/// before `body` returns (or right after, by the work ``run(name:stackSize:deferring:)`` defers).
///
/// The threads come from a pool (``LuaThreadPool``): starting a thread with a 64 MiB stack
/// and ending it again was the largest cost of a small embedded run (issue 21). A pooled
/// thread carries nothing from one body to the next but its stack memory, which Lua cannot
/// read: every run still uses a state of its own and closes it.
public enum LuaThread {
    /// Runs `work` on a pooled thread of its own; nobody waits for it. For work that must not
    /// hold up the next job of the thread it comes from (closing a large state).
    package static func detached(_ work: @escaping @Sendable () -> Void) {
        LuaThreadPool.shared.submit {
            work()
            return nil
        }
    }

    /// The default stack size: deep Lua recursion and nested value copies need more than 512 KiB.
    public static let defaultStackSize = 64 << 20

    /// Runs `body` on a thread of its own (a pooled one for the default stack size) and
    /// returns its result. `body` has the thread to itself until it returns: a run that blocks
    /// holds its thread, and another run gets another thread.
    public static func run<T: Sendable>(
        name: String = "tfscript.lua",
        stackSize: Int = defaultStackSize,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await run(name: name, stackSize: stackSize, deferring: { (try body(), nil) })
    }

    /// Like ``run(name:stackSize:_:)``, and then, on the same thread once the caller has the
    /// result, runs the work `body` returned with it (closing a state): work the caller need
    /// not wait for. It must be short: the thread takes its next job after it.
    ///
    /// `meanwhile` runs on the caller's thread while `body` runs (building the next run's
    /// state): it must not block, and it delays the caller's result if it takes longer.
    package static func run<T: Sendable>(
        name: String = "tfscript.lua",
        stackSize: Int = defaultStackSize,
        deferring body: @escaping @Sendable () throws -> (T, (() -> Void)?),
        meanwhile: () -> Void = {}
    ) async throws -> T {
        let outcome = JobOutcome<T>()
        let job: LuaThreadPool.Job = {
            var afterwards: (() -> Void)?
            outcome.deliver(Result {
                let (value, then) = try body()
                afterwards = then
                return value
            })
            return afterwards
        }
        JobWatchers.inFlight.wrappingAdd(1, ordering: .relaxed)
        defer { JobWatchers.inFlight.wrappingSubtract(1, ordering: .relaxed) }
        if stackSize == defaultStackSize && name == "tfscript.lua" {
            LuaThreadPool.shared.submit(job)
        } else {
            let thread = Thread {
                tfs_thread_set_name(name)
                job()?()
            }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }
        meanwhile()
        if let result = outcome.awaitBriefly() { return try result.get() }
        return try await withCheckedThrowingContinuation { outcome.park($0) }
    }
}

