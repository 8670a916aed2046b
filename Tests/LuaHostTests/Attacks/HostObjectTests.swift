import Testing
@testable import TFScriptLuaHost

/// Issue 9, classes 1, 2 and 7: host metatables are locked and never replaced when protected,
/// no script finalizer can exist, and host objects are recognised by identity, not `__name`.
struct HostObjectTests {
    /// A state with a host metatable `test.marker` and a `mark(t)` host function that sets it.
    func stateWithMarker() throws -> LuaState {
        let state = try makeState()
        try state.registerMetatable("test.marker", values: ["kind": "marker"])
        try state.registerModule(["host"], functions: [
            "mark": { call in
                let done = call.setMetatable(ofArgument: 1, named: "test.marker")
                return [.boolean(done)]
            },
            "is_marked": { call in
                [.boolean(try call.argument(1).tableValue?.metatableName == "test.marker")]
            },
        ])
        return state
    }

    @Test("a host metatable is locked: getmetatable returns false, setmetatable refuses")
    func locked() throws {
        let state = try stateWithMarker()
        #expect(try eval(state, "local t = {} host.mark(t) return getmetatable(t)") == false)
        let error = try #require(throws: LuaError.self) {
            try state.run("local t = {} host.mark(t) setmetatable(t, {})", chunkName: "=t")
        }
        #expect(error.message.contains("cannot change a protected metatable"))
    }

    @Test("a __gc cannot reach a host metatable, so the host never registers a finalizer")
    func noFinalizerThroughHostMetatable() throws {
        let state = try stateWithMarker()
        let error = try #require(throws: LuaError.self) {
            try state.run("""
                local t = {} host.mark(t)
                getmetatable(t).__gc = function() while true do end end
                """, chunkName: "=t")
        }
        #expect(error.message.contains("attempt to index a boolean value"))
    }

    @Test("the host never replaces a metatable the script protected")
    func protectedMetatableKept() throws {
        let state = try stateWithMarker()
        let results = try state.run("""
            local mine = {__metatable = 'mine'}
            local t = setmetatable({}, mine)
            return host.mark(t), getmetatable(t)
            """, chunkName: "=t")
        #expect(results == [false, "mine"])
    }

    @Test("the host may replace an unprotected metatable, as setmetatable may")
    func unprotectedMetatableReplaced() throws {
        let state = try stateWithMarker()
        #expect(try eval(state, "local t = setmetatable({}, {}) return host.mark(t)") == true)
    }

    @Test("a script table carrying a host __name is not a host object")
    func forgedName() throws {
        let state = try stateWithMarker()
        #expect(try eval(state, "return host.is_marked(setmetatable({}, {__name = 'test.marker'}))") == false)
        #expect(try eval(state, "local t = {} host.mark(t) return host.is_marked(t)") == true)
        let copied = try eval(state, "return setmetatable({}, {__name = 'test.marker'})")
        #expect(copied.tableValue?.metatableName == nil)
    }

    @Test("pushing a table names only metatables the host registered, never registry entries")
    func pushUnknownName() throws {
        let state = try stateWithMarker()
        try state.setGlobal("a", .table(LuaTable(array: [1], metatableName: "_LOADED")))
        #expect(try eval(state, "return getmetatable(a)") == .nil)
        try state.setGlobal("b", .table(LuaTable(array: [1], metatableName: "test.marker")))
        #expect(try eval(state, "return host.is_marked(b)") == true)
    }

    @Test("closing a state runs no script code, even with <close> handlers pending in a coroutine")
    func closeIsBounded() throws {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let state = try makeState(timeout: .milliseconds(200))
            try state.run("""
                co = coroutine.wrap(function()
                  local x <close> = setmetatable({}, {__close = function() while true do end end})
                  coroutine.yield()
                end)
                co()
                """, chunkName: "=t")
        }
        #expect(clock.now - start < .seconds(10))
    }
}
