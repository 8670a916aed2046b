import Foundation
import Testing
@testable import TFScriptLuaHost

/// Issue 18, class 6: Lua 5.4.4 converges ephemerons (weak-keyed tables) in the collector's
/// atomic phase, one C call no hook can interrupt, in time quadratic in the entries of a
/// shuffled chain (one collection of 200,000: 5 s in stock lua5.4; in the sandbox before
/// this fix 9 s, and 443 s spread over one table per entry). The mode is read from the metatable at
/// each traversal, so a script can set it at any time and in any way; the sandbox therefore
/// makes the collector blind to `__mode` (weak_mode.c): weak tables are strong, and the
/// collector's work is linear in what is live (docs/sandbox.md).
struct CollectorBoundTests {
    @Test("__mode has no effect however and whenever a script sets it", arguments: [
        "local t = setmetatable({}, {__mode = 'k'}) t[{}] = {} return t",
        "local t = setmetatable({}, {__mode = 'v'}) t[1] = {} return t",
        "local t = setmetatable({}, {__mode = 'kv'}) t[{}] = {} return t",
        // set after setmetatable, by assignment and by rawset, with values that are not strings first
        "local mt = {} local t = setmetatable({}, mt) mt.__mode = 'k' t[{}] = 1 return t",
        "local mt = {__mode = false} local t = setmetatable({}, mt) mt.__mode = 'k' t[{}] = 1 return t",
        "local mt = {} local t = setmetatable({}, mt) rawset(mt, '__mode', 'k') t[{}] = 1 return t",
        "local mt = {} local t = setmetatable({}, mt) rawset(mt, string.char(95, 95, 109, 111, 100, 101), 'k') t[{}] = 1 return t",
        // a mode string built at run time, a metatable shared by many tables
        "local mt = {} local t = {} for i = 1, 100 do t[i] = setmetatable({}, mt) t[i][{}] = i end mt.__mode = ('K'):lower() return t[100]",
        // the table reached only through a suspended coroutine or an upvalue
        "local co = coroutine.wrap(function() local t = setmetatable({}, {__mode = 'k'}) t[{}] = 1 coroutine.yield(t) coroutine.yield(t) end) co() collectgarbage() return co()",
        "local t = setmetatable({}, {__mode = 'k'}) local function get() return t end t[{}] = 1 return get()",
    ])
    func weakModeIgnored(_ maker: String) throws {
        let state = try makeState()
        let value = try eval(state, """
            local t = (function() \(maker) end)()
            collectgarbage() collectgarbage()
            return next(t) ~= nil
            """)
        #expect(value == true, "an entry was collected: the collector honoured __mode")
    }

    @Test("a shuffled chain of weak-keyed entries is collected in linear time", arguments: [false, true])
    func ephemeronChain(manyTables: Bool) throws {
        // Each key is reachable only as the value of the previous entry; entries are inserted in
        // shuffled order, one table or one table per entry. Before the fix: 9 s and 443 s for
        // one collection at this size (docs/sandbox.md).
        let state = try makeState(memoryLimit: 256 << 20, timeout: .seconds(60))
        let value = try eval(state, """
            local n = 200000
            local keys = {} for i = 1, n + 1 do keys[i] = {} end
            local order = {} for i = 1, n do order[i] = i end
            for i = n, 2, -1 do local j = math.random(i) order[i], order[j] = order[j], order[i] end
            local mt = {__mode = 'k'}
            local tables, one = {}, setmetatable({}, mt)
            for _, i in ipairs(order) do
              local t = \(manyTables ? "setmetatable({}, mt)" : "one")
              t[keys[i]] = keys[i + 1]
              if \(manyTables) then tables[#tables + 1] = t end
            end
            local root = keys[1]
            keys, order = nil, nil
            collectgarbage()
            local start = os.clock()
            collectgarbage()
            return os.clock() - start
            """)
        let seconds = try #require(value.doubleValue)
        #expect(seconds < 0.5, "one full collection took \(seconds) s")
    }
}
