import Testing
import TestSupport
import TFScript

/// Many runs in one process, on two engines: limits and cancellation end one run each, and
/// never disturb the others or the process.
struct ConcurrentRunTests {
    enum Expected: Sendable { case timeout, memory, cancelled, count(Int) }

    @Test("two engines, ten concurrent runs: one times out, one hits the memory limit, one is cancelled, the others finish")
    func tenRuns() async throws {
        try await withSimulatedEngine { first in
            try await withSimulatedEngine { second in
                let started = Rendezvous()
                let spin = HostModule("probe", functions: ["started": { _ in started.signal(); return [] }])
                let results = await withTaskGroup(of: (Int, ScriptResult).self) { group in
                    group.addTask {
                        (0, await first.run(lua: "while true do end", { $0.timeout = .milliseconds(200) }))
                    }
                    group.addTask {
                        (1, await second.run(lua: "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end", { $0.memoryLimit = 8 << 20 }))
                    }
                    let cancelled = Task {
                        await first.run(lua: "probe.started() while true do end", { $0.modules = [spin] })
                    }
                    group.addTask { (2, await cancelled.value) }
                    for index in 3..<10 {
                        let engine = index.isMultiple(of: 2) ? first : second
                        group.addTask {
                            (index, await engine.run(lua: """
                                local eps = tf.endpoints.list()
                                print("run", ..., #eps)
                                return #eps + tonumber(...)
                                """, { $0.arguments = ["\(index)"] }))
                        }
                    }
                    await started.wait()
                    cancelled.cancel()
                    var results: [Int: ScriptResult] = [:]
                    for await (index, result) in group { results[index] = result }
                    return results
                }
                #expect(results[0]?.exitCode == 3)
                #expect(results[0]?.status == .limitExceeded)
                #expect(results[0]?.error?.contains("timeout of 200ms exceeded") == true, "\(results[0]?.error ?? "")")
                #expect(results[1]?.exitCode == 3)
                #expect(results[1]?.error?.contains("memory limit of 8 MiB exceeded") == true, "\(results[1]?.error ?? "")")
                #expect(results[2]?.exitCode == 3)
                #expect(results[2]?.status == .interrupted)
                let fleet = await first.run(lua: "return #tf.endpoints.list()").values.first?.integerValue ?? -1
                for index in 3..<10 {
                    let result = try #require(results[index])
                    #expect(result.exitCode == 0, "\(result.error ?? "")")
                    #expect(result.output == "run\t\(index)\t\(fleet)\n")
                    #expect(result.values == [.integer(fleet + Int64(index))])
                }
            }
        }
    }

    @Test("after a timeout, a memory limit and a cancellation, the next run on the same engine starts clean")
    func nextRunStartsClean() async throws {
        try await withSimulatedEngine { engine in
            _ = await engine.run(lua: "leaked = true while true do end", { $0.timeout = .milliseconds(50) })
            _ = await engine.run(lua: "leaked = true local s = 'x' while true do s = s .. s end", { $0.memoryLimit = 4 << 20 })
            let result = await engine.run(lua: "return leaked == nil, collectgarbage('count') < 1024")
            #expect(result.exitCode == 0)
            #expect(result.values == [.bool(true), .bool(true)])
        }
    }

    @Test("a task cancelled while its script waits in a host call ends at once with exit 3")
    func cancelDuringHostCall() async throws {
        try await withSimulatedEngine { engine in
            let started = Rendezvous()
            let module = HostModule("slow", functions: [
                "forever": { _ in
                    started.signal()
                    try await Task.sleep(for: .seconds(3600))
                    return []
                },
            ])
            let run = Task { await engine.run(lua: "slow.forever()", { $0.modules = [module] }) }
            await started.wait()
            run.cancel()
            let result = await run.value
            #expect(result.exitCode == 3)
            #expect(result.status == .interrupted)
        }
    }

    @Test("a run whose task is already cancelled does not start")
    func cancelledBeforeStart() async throws {
        try await withSimulatedEngine { engine in
            let calls = Recorder<String>()
            let module = HostModule("probe", functions: ["hit": { _ in calls.append("hit"); return [] }])
            let run = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await engine.run(lua: "probe.hit() return 1", { $0.modules = [module] })
            }
            let result = await run.value
            #expect(result.exitCode == 3)
            #expect(result.status == .interrupted)
            #expect(calls.all.isEmpty)
        }
    }

    @Test("a catastrophic pattern ends its run at the timeout; the process (this test) lives on")
    func catastrophicPattern() async throws {
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "print('before') return string.rep('a', 200000):find('.-.-.-.-.-.-b')", {
                $0.timeout = .milliseconds(300)
            })
            #expect(result.exitCode == 3)
            #expect(result.error == "timeout of 300ms exceeded")
            #expect(result.output == "before\n")
        }
    }
}
