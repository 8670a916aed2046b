import Testing
import TestSupport
import TFScript
import TFScriptLuaHost

/// An engine builds each run's state ahead of demand, during an earlier run (issue 21). These
/// tests warm an engine so its runs take such states, then attack what must still hold: a
/// state holds nothing of an earlier run, the run's limits, stop request, sandbox and output
/// are its own, and shutting the engine down closes what waits.
struct PreparedStateTests {
    /// Enough runs in a row for every later one to take a state built ahead.
    static let warmUp = 4

    static func options(_ edit: (inout ScriptOptions) -> Void) -> ScriptOptions {
        var options = ScriptOptions()
        edit(&options)
        return options
    }

    /// Checks that the engine has a state built ahead: once a shape has run twice, a run's
    /// caller builds the next run's state while the run goes on, before the run returns.
    static func expectBuiltState(_ engine: ScriptEngine, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(engine.statesBuiltAhead >= 1, "a state waits for the next run", sourceLocation: sourceLocation)
    }

    static func engine() async throws -> ScriptEngine {
        try await ScriptEngine(controlPlane: .unconfigured(TokenFactoryError(kind: .configuration, message: "no control plane in this test")))
    }

    /// Checks that nothing of an earlier run is visible, then leaves every kind of trace a
    /// script can leave in its own state for the next run to find.
    static let polluter = """
        local n, dry = ...
        assert(rawget(_G, "leak") == nil and rawget(_G, "leak2") == nil, "a global of an earlier run")
        assert(getmetatable(_G) == nil, "a metatable on _G from an earlier run")
        assert(string.upper("a") == "A", "string.upper replaced by an earlier run")
        assert(type(tf.endpoints.list) == "function", "tf.endpoints.list removed by an earlier run")
        assert(tf.marker == nil, "a field of tf from an earlier run")
        assert(tf.vars.n == n, "tf.vars of another run: " .. tostring(tf.vars.n))
        assert(tostring(tf.dry_run) == dry, "tf.dry_run of another run")
        leak = true
        string.upper = function() return "pwned" end
        tf.endpoints.list = nil
        tf.marker = n
        coroutine.wrap(function() leak2 = true end)()
        setmetatable(_G, {__index = function() return "x" end})
        print("run " .. n)
        return tonumber(n)
        """

    @Test("a state built ahead holds nothing of an earlier run: globals, library functions, tf, metatables, vars, output")
    func isolation() async throws {
        let engine = try await Self.engine()
        for n in 0..<40 {
            if n >= 2 { Self.expectBuiltState(engine) }
            let dry = n % 3 == 0
            let result = await engine.run(.text(Self.polluter), options: Self.options {
                $0.arguments = ["\(n)", "\(dry)"]
                $0.vars = ["n": "\(n)"]
                $0.dryRun = dry
            })
            #expect(result.exitCode == 0, "run \(n): \(result.error ?? "")")
            #expect(result.values == [.integer(Int64(n))])
            #expect(result.output == "run \(n)\n")
        }
        #expect(engine.statesTakenFromAhead >= 38, "runs after the second take a state built ahead: \(engine.statesTakenFromAhead) of 40")
        // The same from 8 tasks at once.
        let failures = await withTaskGroup(of: [String].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures: [String] = []
                    for step in 0..<20 {
                        let n = "\(task * 100 + step)"
                        let result = await engine.run(.text(Self.polluter), options: Self.options {
                            $0.arguments = [n, "false"]
                            $0.vars = ["n": n]
                        })
                        if result.exitCode != 0 || result.output != "run \(n)\n" { failures.append("\(n): \(result.error ?? result.output)") }
                    }
                    return failures
                }
            }
            return await group.reduce([], +)
        }
        #expect(failures.count == 0, "\(failures.prefix(3))")
        try await engine.shutdown()
    }

    @Test("after runs without limits, a run's memory limit, timeout and cancellation hold on the state it takes")
    func limits() async throws {
        let engine = try await Self.engine()
        for _ in 0..<Self.warmUp { _ = await engine.run(.text("return 1"), options: Self.options { $0.memoryLimit = nil }) }
        Self.expectBuiltState(engine)
        var options = Self.options { $0.memoryLimit = 4 << 20 }
        let memory = await engine.run(.text("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end"), options: options)
        #expect(memory.exitCode == 3)
        #expect(memory.error?.contains("memory limit of 4 MiB exceeded") == true, "\(memory.error ?? "")")

        for _ in 0..<Self.warmUp { _ = await engine.run(.text("return 1")) }
        Self.expectBuiltState(engine)
        options = Self.options { $0.timeout = .milliseconds(150) }
        let timeout = await engine.run(.text("while true do end"), options: options)
        #expect(timeout.exitCode == 3)
        #expect(timeout.error?.contains("timeout of 150ms exceeded") == true, "\(timeout.error ?? "")")

        for _ in 0..<Self.warmUp { _ = await engine.run(.text("return 1")) }
        Self.expectBuiltState(engine)
        let started = Rendezvous()
        let probe = HostModule("probe", functions: ["started": { _ in started.signal(); return [] }])
        let cancelled = Task { await engine.run(.text("probe.started() while true do end"), options: Self.options { $0.modules = [probe] }) }
        await started.wait()
        cancelled.cancel()
        let interrupted = await cancelled.value
        #expect(interrupted.exitCode == 3)
        #expect(interrupted.status == .interrupted)
        #expect(engine.statesTakenFromAhead >= 3, "the limited runs took states built ahead: \(engine.statesTakenFromAhead)")
        try await engine.shutdown()
    }

    @Test("a memory limit below what a built state holds ends the run as on a state built for it")
    func limitBelowBuiltState() async throws {
        let fresh = try await Self.engine()
        let tiny = Self.options { $0.memoryLimit = 16 << 10 }
        let expected = await fresh.run(.text("return 1"), options: tiny)
        try await fresh.shutdown()

        let warmed = try await Self.engine()
        for _ in 0..<Self.warmUp { _ = await warmed.run(.text("return 1")) }
        Self.expectBuiltState(warmed)
        let result = await warmed.run(.text("return 1"), options: tiny)
        #expect(expected.exitCode != 0, "16 KiB cannot hold the sandbox and tf")
        #expect(result.exitCode == expected.exitCode)
        #expect(result.status == expected.status)
        #expect(result.error == expected.error)
        try await warmed.shutdown()
    }

    @Test("a run never takes a state built for another sandbox: os.getenv and --seed are the run's own")
    func sandboxShape() async throws {
        let engine = try await Self.engine()
        let script = "return os.getenv('COLOR'), math.random(1, 1 << 40)"
        func run(_ color: String, seed: Int64) async -> [JSONValue] {
            await engine.run(.text(script), options: Self.options {
                $0.environment = ["COLOR": color]
                $0.seed = seed
            }).values
        }
        let first = await run("red", seed: 7)
        for round in 0..<Self.warmUp {
            // States are built once a shape repeats: from the second run of it on.
            if round > 0 { Self.expectBuiltState(engine) }
            #expect(await run("red", seed: 7) == first, "--seed must give the same numbers on a state built ahead")
        }
        Self.expectBuiltState(engine) // a red state waits when blue comes
        let blue = await run("blue", seed: 7)
        #expect(blue.first == .string("blue"))
        #expect(blue.last == first.last)
        let otherSeed = await run("red", seed: 8)
        #expect(otherSeed.first == .string("red"))
        #expect(otherSeed.last != first.last)
        for _ in 0..<Self.warmUp { _ = await run("blue", seed: 7) }
        Self.expectBuiltState(engine) // a blue state waits when red comes
        #expect(await run("red", seed: 7) == first)
        #expect(engine.statesTakenFromAhead >= Self.warmUp - 1, "\(engine.statesTakenFromAhead)")
        try await engine.shutdown()
    }

    @Test("shutting an engine down closes the states it built ahead")
    func shutdownCloses() async throws {
        let engine = try await Self.engine()
        for _ in 0..<Self.warmUp { _ = await engine.run(.text("return 1")) }
        Self.expectBuiltState(engine)
        #expect(engine.statesBuiltAhead >= 1, "a warmed engine keeps a state for its next run")
        try await engine.shutdown()
        #expect(engine.statesBuiltAhead == 0)
    }
}
