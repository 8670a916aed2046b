import Testing
import TestSupport
import TFScript

struct HostModuleTests {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "the chat service is down" }
    }

    @Test("host functions take and return JSON values with the tf.json mapping")
    func valuesCrossAsJSON() async throws {
        let seen = Recorder<[JSONValue]>()
        let module = HostModule("chat", functions: [
            "echo": { args in
                seen.append(args)
                return args + [.object(["ok": .bool(true)])]
            },
        ])
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: """
                local a, b, c, d = chat.echo(1, 2.5, "s", {x = tf.json.null, list = {1, 2}}, nil)
                return a, math.type(a), d.list[2], c
                """, { $0.modules = [module] })
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            #expect(result.values == [.integer(1), .string("integer"), .integer(2), .string("s")])
            #expect(seen.all.first == [.integer(1), .number(2.5), .string("s"), .object(["x": .null, "list": .array([.integer(1), .integer(2)])]), .null])
        }
    }

    @Test("a Swift error thrown by a host function is a Lua error the script can pcall")
    func swiftErrorIsCatchable() async throws {
        let module = HostModule("chat", functions: ["say": { _ in throw Boom() }])
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: """
                local ok, err = pcall(function() chat.say("hi") end)
                return ok, err
                """, { $0.modules = [module] })
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            #expect(result.values == [.bool(false), .string("test.lua:1: chat.say: the chat service is down")])

            let uncaught = await engine.run(lua: "\nchat.say('hi')", { $0.modules = [module] })
            #expect(uncaught.exitCode == 1)
            #expect(uncaught.error?.hasPrefix("test.lua:2: chat.say: the chat service is down") == true, "\(uncaught.error ?? "")")
        }
    }

    @Test("async host functions inside tf.parallel suspend only their worker: four calls wait for each other")
    func asyncInsideParallel() async throws {
        let barrier = Barrier(count: 4)
        let module = HostModule("slow", functions: [
            "double": { args in
                await barrier.arriveAndWait() // a caller that blocked the Lua thread would never get past this
                return [.integer((args.first?.integerValue ?? 0) * 2)]
            },
        ])
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: """
                local results = tf.parallel({1, 2, 3, 4}, function(i) return slow.double(i) end, {concurrency = 4})
                local values = {}
                for i, r in ipairs(results) do values[i] = r.ok and r.value end
                return values
                """, { options in
                    options.modules = [module]
                    options.timeout = .seconds(20) // a deadlock fails the test instead of hanging it
                })
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            #expect(result.values == [.array([.integer(2), .integer(4), .integer(6), .integer(8)])])
        }
    }

    @Test("under dry-run, host functions flagged as mutations are not called and are listed")
    func mutationsSkippedUnderDryRun() async throws {
        let calls = Recorder<String>()
        let module = HostModule("chat", functions: [
            "say": { _ in calls.append("say"); return [.bool(true)] },
            "history": { _ in calls.append("history"); return [.array([])] },
        ], mutations: ["say"])
        try await withSimulatedEngine { engine in
            let dry = await engine.run(lua: "chat.history() return chat.say('x')", { $0.modules = [module]; $0.dryRun = true })
            #expect(dry.exitCode == 0)
            #expect(dry.values == [])
            #expect(dry.skippedMutations == ["chat.say"])
            #expect(calls.all == ["history"])
            let live = await engine.run(lua: "return chat.say('x')", { $0.modules = [module] })
            #expect(live.values == [.bool(true)])
            #expect(calls.all == ["history", "say"])
        }
    }

    @Test("a host module name that is not a Lua name fails the run before the script starts")
    func badModuleName() async throws {
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "return 1", { $0.modules = [HostModule("chat-ops", functions: [:])] })
            #expect(result.exitCode == 1)
            #expect(result.status == .internalError)
            #expect(result.error?.contains("chat-ops") == true)
        }
    }
}
