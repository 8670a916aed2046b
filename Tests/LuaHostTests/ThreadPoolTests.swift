import Foundation
import Testing
@testable import TFScriptLuaHost

/// The pool of Lua threads keeps the threads a busy app uses (issue 21): runs coming from
/// several tasks in a loop reuse them, instead of ending one and starting another.
///
/// A pool of its own, so other suites' runs (which use the shared pool) cannot move the count.
struct ThreadPoolTests {
    static let tasks = 8
    static let jobsPerTask = 500

    @Test("8 tasks submitting jobs in a loop start no new threads once the pool has warmed up")
    func loopsReuseThreads() async {
        // Idle threads leave after a second, so this pool's threads are gone soon after the
        // test (`RunResidueTests` counts the process's threads); the loops never pause that long.
        let pool = LuaThreadPool(stackSize: 1 << 20, maxIdle: LuaThreadPool.idleBound, idleTimeout: .seconds(1))
        await Self.loops(pool, jobs: 100) // the pool grows to what 8 callers need
        let started = pool.startedCount
        await Self.loops(pool, jobs: Self.jobsPerTask)
        // With 2 × cores idle threads at most, this started a thread every dozen jobs or so
        // (160–220 here). A caller may submit its next job before the thread that ran its last
        // one counts as free again, so up to two threads per caller can be needed, once.
        #expect(pool.startedCount - started <= 2 * Self.tasks, "threads started for \(Self.tasks * Self.jobsPerTask) jobs: \(pool.startedCount - started)")
        #expect(pool.threadCount <= 2 * Self.tasks)
    }

    /// `tasks` callers, each submitting `jobs` short jobs one after another and waiting for each.
    static func loops(_ pool: LuaThreadPool, jobs: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    for _ in 0..<jobs {
                        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                            pool.submit {
                                // A small run's worth of work on the pooled thread.
                                let end = ContinuousClock.now.advanced(by: .microseconds(30))
                                while ContinuousClock.now < end {}
                                done.resume()
                                return nil
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Lua threads carry their name for the system, so `top -H`, `perf` and debuggers tell them
/// from Dispatch's workers (Foundation's `Thread.name` does not set it on Linux).
struct LuaThreadNameTests {
    static func systemName() -> String {
        ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("pooled and dedicated Lua threads are named for the system")
    func named() async throws {
        #expect(try await LuaThread.run { Self.systemName() } == "tfscript.lua")
        #expect(try await LuaThread.run(name: "tfscript.test-thread-name", stackSize: 1 << 20) { Self.systemName() } == "tfscript.test-t")
        let executor = LuaExecutor<Int>(name: "tfscript.repl") { 0 }
        #expect(try await executor.run { _ in Self.systemName() } == "tfscript.repl")
        executor.shutdown()
    }
}
