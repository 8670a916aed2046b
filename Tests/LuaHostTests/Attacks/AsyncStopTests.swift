import Foundation
import Testing
@testable import TFScriptLuaHost

/// No hook runs while a script runs normally (issue 12, P4); a stop (deadline, interrupt)
/// arms the hook of whichever coroutine runs. These check that no switch of coroutines can
/// dodge the stop, and that a stale deadline timer changes nothing.
struct AsyncStopTests {
    @Test("the timeout stops a script that switches coroutines all the time", arguments: [
        "while true do coroutine.wrap(function() end)() end",
        "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end",
        "local co = coroutine.create(function() while true do coroutine.yield() end end) while true do coroutine.resume(co) end",
        "while true do local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() end}) coroutine.yield() end) coroutine.resume(co) coroutine.close(co) end",
        "while true do pcall(coroutine.wrap(function() error('x') end)) end",
    ])
    func timeoutAcrossSwitches(_ source: String) throws {
        let state = try makeState(timeout: .milliseconds(200))
        let error = try #require(throws: LuaError.self) { try state.run(source, chunkName: "=t") }
        #expect(error.limit == .timeout, "\(error.message)")
    }

    @Test("an interrupt from another thread stops coroutine ping-pong")
    func interruptAcrossSwitches() throws {
        let state = try makeState(timeout: nil)
        let handle = state.interruptHandle
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { handle.requestInterrupt() }
        let error = try #require(throws: LuaError.self) {
            try state.run("local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end", chunkName: "=t")
        }
        #expect(error.limit == .interrupt)
    }

    @Test("a deadline timer from an earlier chunk does not stop a later one (REPL sessions)")
    func staleTimer() throws {
        let state = try makeState(timeout: .milliseconds(150))
        #expect(try eval(state, "return 1") == 1)
        Thread.sleep(forTimeInterval: 0.25) // the first chunk's timer fires while the session idles
        state.startClock()
        #expect(try eval(state, "local s = 0 for i = 1, 1e5 do s = s + i end return s") == 5_000_050_000)
    }
}
