import Foundation
import Testing
import TFScript
import TFScriptLuaHost

/// Runs leave nothing behind (issue 21): every run builds a fresh Lua state on a pooled
/// thread, and ends with the state closed, the thread back in the pool and no descriptor open.
///
/// Not a timing. The counts are the process's, and other suites run in parallel in this
/// process (engines, simulators, sessions), so they may move by what those hold at the moment
/// each count is taken; `slack` allows for that. What a leak looks like is 10,000 runs:
/// one state, thread or descriptor kept per run, or per hundred runs, is far beyond it.
struct RunResidueTests {
    static let runs = 10_000
    static let tasks = 8
    static let slack = 64

    @Test("10,000 runs in one engine leave no Lua state, no thread and no file descriptor behind")
    func tenThousandRuns() async throws {
        let engine = try await ScriptEngine(controlPlane: .unconfigured(
            TokenFactoryError(kind: .configuration, message: "no control plane in this test")))
        // Warm-up: the Lua thread pool, Swift concurrency's and dispatch's threads are started.
        let warmUp = await Self.run(engine, count: 2 * Self.tasks)
        #expect(warmUp == 2 * Self.tasks)
        let states = LuaState.liveCount
        let threads = Self.entries("/proc/self/task")
        let descriptors = Self.entries("/proc/self/fd")

        let ok = await Self.run(engine, count: Self.runs)

        #expect(ok == Self.runs, "every run must return 55")
        #expect(LuaState.liveCount <= states + Self.slack, "states still open: \(LuaState.liveCount), before: \(states)")
        #expect(Self.entries("/proc/self/task") <= threads + Self.slack, "threads before: \(threads)")
        #expect(Self.entries("/proc/self/fd") <= descriptors + Self.slack, "descriptors before: \(descriptors)")
        #expect(LuaState.pooledThreadCount <= Self.slack, "the Lua thread pool keeps \(LuaState.pooledThreadCount) threads")
        // What the engine keeps between runs is bounded (states built ahead for the next run)
        // and closed with it.
        #expect(engine.statesBuiltAhead <= ProcessInfo.processInfo.activeProcessorCount + 2)
        try await engine.shutdown()
        #expect(engine.statesBuiltAhead == 0)
    }

    @Test("states too large to close on their run's thread are closed on another: 100 runs of 2 MiB leave none")
    func largeStatesClosed() async throws {
        let engine = try await ScriptEngine(controlPlane: .unconfigured(
            TokenFactoryError(kind: .configuration, message: "no control plane in this test")))
        let script = "local t = {} for i = 1, 2000 do t[i] = ('x'):rep(1000) .. i end return #t"
        _ = await engine.run(.text(script))
        let states = LuaState.liveCount
        for _ in 0..<100 {
            let result = await engine.run(.text(script))
            #expect(result.values == [.integer(2000)])
        }
        // Closing happens after each run has returned, on a pooled thread: give the last ones
        // a moment (a leak is 100 states, beyond the slack).
        let deadline = ContinuousClock.now + .seconds(10)
        while LuaState.liveCount > states + Self.slack, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(LuaState.liveCount <= states + Self.slack, "states still open: \(LuaState.liveCount), before: \(states)")
        try await engine.shutdown()
    }

    /// Runs the script `count` times from ``tasks`` concurrent tasks; returns how many returned 55.
    static func run(_ engine: ScriptEngine, count: Int) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                let share = count / tasks + (task < count % tasks ? 1 : 0)
                group.addTask {
                    var ok = 0
                    for _ in 0..<share {
                        let result = await engine.run(.text("local x = 0 for i = 1, 10 do x = x + i end return x"))
                        if result.exitCode == 0, result.values == [.integer(55)] { ok += 1 }
                    }
                    return ok
                }
            }
            return await group.reduce(0, +)
        }
    }

    /// How many entries a /proc folder has (threads of /proc/self/task, descriptors of /proc/self/fd).
    static func entries(_ folder: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: folder).count) ?? -1
    }
}
