import Foundation
import Testing
@testable import TFScriptLuaHost

/// Memory, timeout and interrupt limits, including the crash-safety cases run under ASan.
struct LimitTests {
    @Test("memory limit hit inside a host function that builds a large table")
    func memoryLimitInsideHostFunction() throws {
        let state = try makeState(memoryLimit: 8 << 20)
        try state.setGlobal("build") { _ in
            [.table(LuaTable(array: (0..<400_000).map { .string(LuaString("item \($0)")) }))]
        }
        let error = try #require(throws: LuaError.self) {
            try state.run("local ok, err = pcall(build) return ok", chunkName: "=t")
        }
        #expect(error.limit == .memory)
        #expect(error.message == "memory limit of 8 MiB exceeded")
    }

    @Test("memory limit hit in a Lua callback called from a host function")
    func memoryLimitInCallback() throws {
        let state = try makeState(memoryLimit: 8 << 20)
        try state.setGlobal("apply") { call in try call.call(call.function(1)!) }
        let error = try #require(throws: LuaError.self) {
            try state.run("pcall(apply, function() local t = {} while true do t[#t + 1] = {} end end)", chunkName: "=t")
        }
        #expect(error.limit == .memory)
    }

    @Test("a host error thrown deep inside nested pcalls and callbacks leaves the state usable")
    func deepThrowThenReuse() throws {
        let state = try makeState()
        try state.setGlobal("nest") { call in
            guard case .integer(let n) = try call.argument(1), n > 0 else {
                throw LuaHostError(value: .table(LuaTable(fields: ["bottom": true], metatableName: "e")))
            }
            return try call.call(call.function(2)!, [.integer(n - 1)])
        }
        for _ in 0..<3 {
            let result = try state.run("""
                local function go(n) return nest(n, function(m) return select(2, pcall(go, m)) end) end
                local ok, err = pcall(go, 60)
                return ok, err
                """, chunkName: "=t")
            #expect(result.first == true)
        }
        #expect(try eval(state, "return 40 + 2") == 42)
    }

    @Test("the timeout ends an endless loop")
    func timeout() throws {
        let state = try makeState(timeout: .milliseconds(100))
        let error = try #require(throws: LuaError.self) { try state.run("while true do end", chunkName: "=t") }
        #expect(error.limit == .timeout)
        #expect(error.message == "timeout of 100ms exceeded")
    }

    @Test("an interrupt from another thread stops the script")
    func interruptFromAnotherThread() throws {
        let state = try makeState()
        let handle = state.interruptHandle
        try state.setGlobal("arm") { _ in
            Thread.detachNewThread { handle.requestInterrupt() }
            return []
        }
        let error = try #require(throws: LuaError.self) { try state.run("arm() while true do end", chunkName: "=t") }
        #expect(error.limit == .interrupt)
        state.resetLimits()
        #expect(try eval(state, "return 'again'") == "again")
    }

    @Test("a limit raised while the host calls Lua reaches Swift as a limit")
    func limitThroughHostCall() throws {
        let state = try makeState(timeout: .milliseconds(100))
        try state.setGlobal("apply") { call in
            do { return try call.call(call.function(1)!) } catch { return ["swallowed"] }
        }
        let error = try #require(throws: LuaError.self) {
            try state.run("return apply(function() while true do end end)", chunkName: "=t")
        }
        #expect(error.limit == .timeout)
    }

    @Test("LuaThread runs work on a thread with a large stack")
    func dedicatedThread() async throws {
        let value = try await LuaThread.run {
            let state = try makeState()
            return try eval(state, "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(150000)")
        }
        #expect(value == 150000)
    }

    @Test("limit values parse and print as users write them")
    func limitSyntax() {
        #expect(LimitSyntax.parseBytes("64M") == 64 << 20)
        #expect(LimitSyntax.parseBytes("1G") == 1 << 30)
        #expect(LimitSyntax.parseBytes("512k") == 512 << 10)
        #expect(LimitSyntax.parseBytes("1000") == 1000)
        #expect(LimitSyntax.parseBytes("64MiB") == 64 << 20)
        #expect(LimitSyntax.parseBytes("lots") == nil)
        #expect(LimitSyntax.parseDuration("500ms") == .milliseconds(500))
        #expect(LimitSyntax.parseDuration("30s") == .seconds(30))
        #expect(LimitSyntax.parseDuration("5m") == .seconds(300))
        #expect(LimitSyntax.parseDuration("1h") == .seconds(3600))
        #expect(LimitSyntax.parseDuration("soon") == nil)
        #expect(LimitSyntax.formatBytes(64 << 20) == "64 MiB")
        #expect(LimitSyntax.formatDuration(.seconds(30)) == "30s")
    }
}

/// The long-lived Lua thread the REPL uses.
struct LuaExecutorTests {
    @Test("an executor keeps one state across jobs")
    func keepsState() async throws {
        let executor = LuaExecutor { try makeState() }
        defer { executor.shutdown() }
        _ = try await executor.run { state in try state.run("counter = 41", chunkName: "=t") }
        let value = try await executor.run { state in try eval(state, "return counter + 1") }
        #expect(value == 42)
    }

    @Test("an interrupt handle from the executor stops a running job")
    func interruptJob() async throws {
        let executor = LuaExecutor { try makeState() }
        defer { executor.shutdown() }
        let handle = try await executor.run { state in state.interruptHandle }
        // The flag is sticky: whether it is set before or during the job, the job stops.
        handle.requestInterrupt()
        let outcome = try await executor.run { (state: LuaState) -> LuaLimit? in
            do { try state.run("while true do end", chunkName: "=t"); return nil } catch let error as LuaError { return error.limit }
        }
        #expect(outcome == .interrupt)
    }
}
