import Testing
import TestSupport
import TFScript

struct SessionTests {
    @Test("a session keeps globals across chunks and returns an expression's values")
    func keepsState() async throws {
        try await withSimulatedEngine { engine in
            let session = try await engine.session()
            #expect(await session.evaluate("x = 41").exitCode == 0)
            let result = await session.evaluate("x + 1")
            #expect(result.values == [.integer(42)])
            let failed = await session.evaluate("error('nope')")
            #expect(failed.exitCode == 1)
            #expect(failed.error?.contains("nope") == true)
            #expect(await session.evaluate("x").values == [.integer(41)])
            let unfinished = await session.evaluate("function f()")
            #expect(unfinished.exitCode == 1)
            #expect(unfinished.error?.contains("<eof>") == true, "\(unfinished.error ?? "")")
            await session.close()
            #expect(await session.evaluate("x").status == .internalError)
        }
    }

    @Test("dry-run can be switched in a session; the plan keeps what was recorded")
    func dryRunSwitch() async throws {
        try await withSimulatedEngine { engine in
            let session = try await engine.session()
            await session.setDryRun(true)
            let patched = await session.evaluate("tf.endpoints.patch('ep-demo-01', {enabled = false}).enabled")
            #expect(patched.values == [.bool(false)])
            #expect(await session.evaluate("tf.dry_run").values == [.bool(true)])
            await session.setDryRun(false)
            #expect(await session.evaluate("tf.endpoints.get('ep-demo-01').enabled").values == [.bool(true)])
            let plan = try #require(await session.plan())
            #expect(plan.operations.count == 1)
            await session.close()
        }
    }

    @Test("a limit or a cancellation ends the chunk, not the session")
    func limitEndsChunk() async throws {
        try await withSimulatedEngine { engine in
            let started = Rendezvous()
            var options = ScriptOptions()
            options.timeout = .milliseconds(100)
            options.modules = [HostModule("probe", functions: ["started": { _ in started.signal(); return [] }])]
            let session = try await engine.session(options)
            let timedOut = await session.evaluate("y = 1 while true do end")
            #expect(timedOut.exitCode == 3)
            #expect(timedOut.status == .limitExceeded)
            #expect(await session.evaluate("y").values == [.integer(1)])
            await session.close()

            options.timeout = nil // only the cancellation can end the next chunk
            let untimed = try await engine.session(options)
            let chunk = Task { await untimed.evaluate("y = 2 probe.started() while true do end") }
            await started.wait()
            chunk.cancel()
            #expect(await chunk.value.status == .interrupted)
            #expect(await untimed.evaluate("y").values == [.integer(2)])
            await untimed.close()
        }
    }

    @Test("host mutations follow the session's dry-run switch, reported per chunk")
    func hostMutationsFollowSwitch() async throws {
        let calls = Recorder<String>()
        var options = ScriptOptions()
        options.modules = [HostModule("chat", functions: ["say": { args in calls.append(args.first?.stringValue ?? ""); return [] }], mutations: ["say"])]
        try await withSimulatedEngine { engine in
            let session = try await engine.session(options)
            #expect(await session.evaluate("chat.say('live')").skippedMutations == [])
            await session.setDryRun(true)
            #expect(await session.evaluate("chat.say('dry') chat.say('dry again')").skippedMutations == ["chat.say", "chat.say"])
            #expect(await session.evaluate("1").skippedMutations == [])
            await session.close()
        }
        #expect(calls.all == ["live"])
    }
}
