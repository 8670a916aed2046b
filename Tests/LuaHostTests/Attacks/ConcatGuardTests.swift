import Foundation
import Testing
@testable import TFScriptLuaHost

/// Issue 9, item 12: Debian's Lua 5.4.4 uses freed memory after a `__concat` metamethod that
/// lets the stack move (lua/lua 603b2c64, docs/lua-5.4.4-bugs.md). The sandbox refuses every
/// call made by a concatenation, before the metamethod runs, on every thread, whatever is
/// called. The proof is that no metamethod body ever runs (AddressSanitizer in CI instruments
/// the host's C, not the system liblua, so it would not see the use of freed memory itself).
struct ConcatGuardTests {
    static let refusal = "__concat metamethods are not supported in the tfscript sandbox"

    /// Runs `source`, which must end with the guard's refusal (an ordinary error, not a limit),
    /// and checks that the state still runs ordinary concatenations afterwards.
    @discardableResult
    func expectRefused(_ source: String, state: LuaState? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> LuaError {
        let state = try state ?? makeState(timeout: .seconds(20))
        let error = try #require(throws: LuaError.self, sourceLocation: sourceLocation) {
            try state.run(source, chunkName: "=attack")
        }
        #expect(error.limit == nil, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.contains(Self.refusal), "\(error.message)", sourceLocation: sourceLocation)
        #expect(try eval(state, "local t = {'b', 2} return 'a' .. t[1] .. t[2] .. 1.5") == "ab21.5", sourceLocation: sourceLocation)
        return error
    }

    @Test("the use-after-free reproduction ends with the refusal, at the concatenation's line")
    func fixture() throws {
        let source = try LuaBugFixtureTests.fixture("concat-metamethod-stack-uaf")
        let error = try expectRefused(source)
        let line = try #require(source.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("\"a\" .. \"b\" .. t") }) + 1
        // coroutine.wrap adds its caller's position, as in stock Lua
        #expect(error.message.contains("attack:\(line): " + Self.refusal), "\(error.message)")
    }

    @Test("a concatenation never calls a __concat metamethod, whatever it is", arguments: [
        // a Lua function that grows the stack (the reproduction's way to move it)
        "local function grow(n) if n > 0 then return 1 + grow(n - 1) end return 0 end local t = setmetatable({}, {__concat = function() grow(5000) return 'x' end}) return t .. 'a'",
        // C functions: they run before any Lua code, and several check or grow the stack
        "local t = setmetatable({1, 2, 3}, {__concat = table.unpack}) return t .. 'a'",
        "local t = setmetatable({}, {__concat = select}) return 1 .. t",
        "local t = setmetatable({}, {__concat = pcall}) return t .. 'a'",
        "local t = setmetatable({}, {__concat = string.rep}) return 'a' .. t",
        "local t = setmetatable({}, {__concat = setmetatable({}, {__call = pcall})}) return 'a' .. t",
        "local t = setmetatable({}, {__concat = setmetatable({}, {__call = setmetatable({}, {__call = function() return 'x' end})})}) return t .. 'a'",
        "local t = setmetatable({}, {__concat = coroutine.wrap(function(...) while true do coroutine.yield('x') end end)}) return t .. 'a'",
        "local t = setmetatable({}, {__concat = coroutine.yield}) return coroutine.wrap(function() return t .. 'a' end)()",
        // vararg functions (Lua calls their hook after moving the extra arguments below the
        // frame), functions with more or fewer parameters than the two operands
        "local t = setmetatable({}, {__concat = function(...) return select('#', ...) end}) return t .. 'a'",
        "local t = setmetatable({}, {__concat = function(a, ...) return 'x' end}) return 'a' .. t",
        "local t = setmetatable({}, {__concat = function(a, b, c, d, e, f, g, h) return 'x' end}) return 'a' .. t",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) return 'a' .. t",
        // long __call chains: the operands end up far behind the callee's parameters
        "local f = function() return 'x' end for i = 1, 50 do f = setmetatable({}, {__call = f}) end local t = setmetatable({}, {__concat = f}) return 'a' .. t",
        "local f = function(...) return 'x' end for i = 1, 50 do f = setmetatable({}, {__call = f}) end local t = setmetatable({}, {__concat = f}) return t .. 'a'",
        "local f = select for i = 1, 50 do f = setmetatable({}, {__call = f}) end local t = setmetatable({}, {__concat = f}) return 'a' .. t",
        // a yield out of the metamethod (safe in Lua; refused all the same)
        "local t = setmetatable({}, {__concat = function() coroutine.yield() return 'x' end}) local co = coroutine.wrap(function() return t .. 'a' end) co() return co()",
        // __concat written after setmetatable (a raw write no setmetatable check can see)
        "local mt = {} local t = setmetatable({}, mt) mt.__concat = function() return 'x' end return t .. 'a'",
        "local mt = {} local t = setmetatable({}, mt) rawset(mt, '__concat', table.unpack) return t .. 'a'",
        // several operands, the table in the middle or on either side
        "local t = setmetatable({}, {__concat = function() return 'x' end}) return 'a' .. 1 .. t .. 'c'",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) return t .. 'a' .. 'b' .. 2",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) local u = setmetatable({}, getmetatable(t)) return t .. u",
        // where Lua code runs from C: <close>, __index, __tostring, a sort comparator, a gsub function
        "local t = setmetatable({}, {__concat = function() return 'x' end}) do local c <close> = setmetatable({}, {__close = function() return t .. 'a' end}) end",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) local p = setmetatable({}, {__index = function() return t .. 'a' end}) return p.x",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) return tostring(setmetatable({}, {__tostring = function() return t .. 'a' end}))",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) table.sort({2, 1}, function() return t .. 'a' end)",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) return (string.gsub('a', 'a', function() return t .. 'a' end))",
    ])
    func refusedEverywhere(_ source: String) throws {
        try expectRefused(source)
    }

    @Test("every thread carries the guard: coroutines made before or after it armed, and their resumers", arguments: [
        // made before the guard armed: suspended in the middle, or never started
        "local t = {} local co = coroutine.wrap(function() coroutine.yield() return t .. 'a' end) co() setmetatable(t, {__concat = function() return 'x' end}) return co()",
        "local t = {} local co = coroutine.wrap(function() return t .. 'a' end) setmetatable(t, {__concat = function() return 'x' end}) return co()",
        "local t = {} local co = coroutine.create(function() return t .. 'a' end) setmetatable(t, {__concat = function() return 'x' end}) local ok, err = coroutine.resume(co) error(err, 0)",
        // made after
        "local t = setmetatable({}, {__concat = function() return 'x' end}) return coroutine.wrap(function() return t .. 'a' end)()",
        // a coroutine arms the guard; the main thread (its resumer) concatenates
        "coroutine.wrap(function() t = setmetatable({}, {__concat = function() return 'x' end}) end)() return t .. 'a'",
        // three levels: the innermost arms it, the middle one concatenates after it returns
        """
        local function middle()
          coroutine.wrap(function() t = setmetatable({}, {__concat = function() return 'x' end}) end)()
          return t .. 'a'
        end
        return coroutine.wrap(function() return coroutine.wrap(middle)() end)()
        """,
        // coroutine.close runs a suspended coroutine's <close> handler with the guard
        """
        local t = setmetatable({}, {__concat = function() return 'x' end})
        local co = coroutine.create(function() local c <close> = setmetatable({}, {__close = function() return t .. 'a' end}) coroutine.yield() end)
        coroutine.resume(co)
        local ok, err = coroutine.close(co)
        error(err, 0)
        """,
    ])
    func everyThread(_ source: String) throws {
        try expectRefused(source)
    }

    @Test("ordinary calls that pass a value with __concat still work (only concatenations are refused)")
    func ordinaryCallsWithConcatValues() throws {
        let state = try makeState()
        let results = try state.run("""
            local t = setmetatable({}, {__concat = function() return 'x' end})
            local function id(...) return ... end
            local mt = getmetatable(t)
            return type(t), select('#', t, t), id(t) == t, rawequal(mt.__concat(t, 1), 'x'), pcall(id, t) and 'ok', #tostring(t) > 0
            """, chunkName: "=s")
        #expect(results == ["table", 2, true, true, "ok", true])
    }

    @Test("calls made from a very long function stay cheap once the guard is armed")
    func callsFromLongFunction() throws {
        // Naming a call made by OP_CALL scans the calling function up to the call, so asking Lua
        // about every call made this loop take ~8 s; the guard names only calls whose arguments
        // have a __concat metamethod. The bound is generous: the loop takes ~0.1 s.
        let state = try makeState(timeout: .seconds(60))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try eval(state, """
            setmetatable({}, {})
            local long = load("local f = ... local x = 0 " .. string.rep("x = x + 1 ", 3000) .. "for i = 1, 1000000 do f(i) end return x")
            return long(function() end)
            """) == 3000)
        #expect(clock.now - start < .seconds(4))
    }

    @Test("a host function used as __concat is refused before it runs")
    func hostFunction() throws {
        let state = try makeState(timeout: .seconds(20))
        let calls = CallCounter()
        try state.registerModule(["h"], functions: ["echo": { call in
            calls.increment()
            return [try call.argument(1)]
        }])
        try expectRefused("local t = setmetatable({}, {__concat = h.echo}) return t .. 'a'", state: state)
        #expect(calls.value == 0)
    }

    @Test("pcall catches the refusal and the script goes on")
    func pcallCatches() throws {
        let state = try makeState()
        let results = try state.run("""
            local t = setmetatable({}, {__concat = function() ran = true return 'x' end})
            local ok, err = pcall(function() return t .. 'a' end)
            return ok, err, 'a' .. 1, ran
            """, chunkName: "=s")
        #expect(results.count == 4)
        #expect(results[0] == false)
        #expect(results[1].stringValue == "s:2: " + Self.refusal + " (its Lua 5.4.4 has a memory-safety bug in them); convert first, e.g. tostring(value) .. text")
        #expect(results[2] == "a1")
        #expect(results[3] == .nil)
    }

    @Test("xpcall's message handler is not called for the refusal (Lua would run it with hooks off)")
    func xpcallHandler() throws {
        let state = try makeState(timeout: .seconds(20))
        let results = try state.run("""
            local t = setmetatable({}, {__concat = function() return 'x' end})
            local ok, err = xpcall(function() return t .. 'a' end, function(m) handled = true return m end)
            local ok2, err2 = xpcall(error, function(m) return 'handled ' .. m end, 'plain')
            return ok, err, handled, err2
            """, chunkName: "=s")
        #expect(results[0] == false)
        #expect(results[1].stringValue?.contains(Self.refusal) == true)
        #expect(results[2] == .nil)
        #expect(results[3] == "handled plain")
    }

    @Test("a coroutine that died of the refusal never runs its <close> handlers (its hooks are off)", arguments: [
        """
        local co = coroutine.create(function()
          local c <close> = setmetatable({}, {__close = function() ran = true local u = t .. 'b' end})
          return t .. 'a'
        end)
        local ok, err = coroutine.resume(co)
        local ok2, err2 = coroutine.close(co)
        if ok or ok2 or err2 ~= err then return 'unexpected' end
        error(err2, 0)
        """,
        """
        local co = coroutine.wrap(function()
          local c <close> = setmetatable({}, {__close = function() ran = true end})
          return t .. 'a'
        end)
        co()
        """,
    ])
    func deadCoroutineCloses(_ source: String) throws {
        let state = try makeState(timeout: .seconds(20))
        try state.run("t = setmetatable({}, {__concat = function() return 'x' end})", chunkName: "=setup")
        try expectRefused(source, state: state)
        #expect(try state.global("ran") == .nil)
    }

    @Test("a coroutine that caught the refusal runs its <close> handlers as usual")
    func caughtRefusalCloses() throws {
        let state = try makeState(timeout: .seconds(20))
        let results = try state.run("""
            local t = setmetatable({}, {__concat = function() return 'x' end})
            local co = coroutine.create(function()
              local c <close> = setmetatable({}, {__close = function() closed = 'yes' end})
              local ok = pcall(function() return t .. 'a' end)
              coroutine.yield(ok)
            end)
            local _, caught = coroutine.resume(co)
            return caught, coroutine.close(co), closed
            """, chunkName: "=s")
        #expect(results == [false, true, "yes"])
    }

    @Test("a load reader that concatenates makes load fail with the refusal")
    func loadReader() throws {
        let state = try makeState()
        let results = try state.run("""
            local t = setmetatable({}, {__concat = function() return 'x' end})
            return load(function() return t .. 'a' end)
            """, chunkName: "=s")
        #expect(results.first == .nil)
        #expect(results.count == 2 && results[1].stringValue?.contains(Self.refusal) == true)
    }

    @Test("workers of a tf.parallel-like scheduler fail one by one; the others finish")
    func schedulerWorkers() throws {
        let state = try makeState(timeout: .seconds(20))
        let results = try state.run("""
            local t = setmetatable({}, {__concat = function() return 'x' end})
            local workers, out = {}, {}
            for i = 1, 6 do
              workers[i] = coroutine.create(function(n)
                coroutine.yield()
                if n % 2 == 0 then return t .. n end
                return 'ok' .. n
              end)
              coroutine.resume(workers[i], i)
            end
            for i = 1, 6 do
              local ok, value = coroutine.resume(workers[i])
              out[i] = ok and value or (value:find('not supported', 1, true) and 'refused' or value)
            end
            return table.concat(out, ',')
            """, chunkName: "=s")
        #expect(results.first == "ok1,refused,ok3,refused,ok5,refused")
    }

    @Test("metamethods are looked up raw: an inherited __concat is no metamethod (stock Lua's error)")
    func inheritedIsNotFound() throws {
        let state = try makeState()
        let message = try eval(state, """
            local base = {__concat = function() return 'x' end}
            local t = setmetatable({}, setmetatable({}, {__index = base}))
            return select(2, pcall(function() return t .. 'a' end))
            """)
        #expect(message.stringValue?.hasSuffix("attempt to concatenate a table value (upvalue 't')") == true, "\(message)")
    }

    @Test("the string metatable stays out of reach")
    func stringMetatable() throws {
        let state = try makeState()
        #expect(try eval(state, "return getmetatable('')") == false)
        #expect(try eval(state, "return (pcall(function() getmetatable('').__concat = function() return 'x' end end))") == false)
        #expect(try eval(state, "return 'a' .. 'b'") == "ab")
    }

    @Test("no hook runs before a script sets a metatable; the call hook from then on, also after a reset")
    func armedOnlyOnceNeeded() throws {
        let state = try makeState(timeout: .milliseconds(300))
        #expect(try eval(state, "local s = '' for i = 1, 100 do s = s .. i end return #s") == 192)
        #expect(state.mainHookMaskForTests == 0)
        #expect(try eval(state, "return pcall(setmetatable, {}, {__gc = true})") == false) // refused: not armed
        #expect(state.mainHookMaskForTests == 0)
        try state.run("t = setmetatable({}, {})", chunkName: "=arm")
        #expect(state.mainHookMaskForTests == callMask)
        // A limit arms the stop hook; the reset (the REPL's Ctrl-C) returns to the guard, not to none.
        #expect(throws: LuaError.self) { try state.run("while true do end", chunkName: "=loop") }
        state.resetLimits()
        state.startClock()
        #expect(state.mainHookMaskForTests == callMask)
        try expectRefused("getmetatable(t).__concat = function() return 'x' end return t .. 'a'", state: state)
    }

    var callMask: Int32 { 1 << 0 } // LUA_MASKCALL

    @Test("the timeout still ends a run while the guard is armed", arguments: [
        "setmetatable({}, {}) while true do end",
        "setmetatable({}, {}) local function f() end while true do f() end",
        "setmetatable({}, {}) coroutine.wrap(function() local function f() end while true do f() end end)()",
        "local co = coroutine.create(function() while true do coroutine.yield() end end) coroutine.resume(co) setmetatable({}, {}) while true do coroutine.resume(co) end",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) while true do pcall(function() return t .. 'a' end) end",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) while true do coroutine.resume(coroutine.create(function() return t .. 'a' end)) end",
    ])
    func timeoutWhileArmed(_ source: String) throws {
        let state = try makeState(timeout: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: LuaError.self) { try state.run(source, chunkName: "=t") }
        #expect(error.limit == .timeout, "\(error.message)")
        #expect(clock.now - start < .seconds(10))
    }

    @Test("the memory limit still ends a run while the guard is armed", arguments: [
        "setmetatable({}, {}) local t = {} for i = 1, 1e8 do t[i] = {i} end",
        "setmetatable({}, {}) coroutine.wrap(function() local t = {} for i = 1, 1e8 do t[#t + 1] = tostring(i) end end)()",
        "local t = setmetatable({}, {__concat = function() return 'x' end}) local keep = {} while true do keep[#keep + 1] = select(2, pcall(function() return t .. 'a' end)) .. #keep end",
    ])
    func memoryWhileArmed(_ source: String) throws {
        let state = try makeState(memoryLimit: 16 << 20, timeout: .seconds(60))
        let error = try #require(throws: LuaError.self) { try state.run(source, chunkName: "=t") }
        #expect(error.limit == .memory, "\(error.message)")
    }

    @Test("an interrupt from another thread stops a call-heavy loop while the guard is armed")
    func interruptWhileArmed() throws {
        let state = try makeState(timeout: nil)
        let handle = state.interruptHandle
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { handle.requestInterrupt() }
        let error = try #require(throws: LuaError.self) {
            try state.run("""
                setmetatable({}, {})
                local co = coroutine.wrap(function() local function f() end while true do f() coroutine.yield() end end)
                while true do co() end
                """, chunkName: "=t")
        }
        #expect(error.limit == .interrupt)
    }
}

/// A thread-safe counter for host functions (they are @Sendable).
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
