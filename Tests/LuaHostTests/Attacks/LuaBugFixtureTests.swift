import Foundation
import Testing
@testable import TFScriptLuaHost

/// Issue 9, classes 10 and 12: the Lua 5.4.4 bugs a script can reach (docs/lua-5.4.4-bugs.md),
/// each run in the sandbox from its reproduction script in Fixtures/lua-bugs.
struct LuaBugFixtureTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/lua-bugs/\(name)", withExtension: "lua"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test("7923dbbf: a 100,000-long field chain is refused by load at once, no crash")
    func fieldChain() throws {
        let state = try makeState(memoryLimit: 64 << 20, timeout: .seconds(20))
        try state.setGlobal("arg", .table(LuaTable(array: ["100000"])))
        let error = try #require(throws: LuaError.self) {
            try state.run(try Self.fixture("getobjname-field-chain"), chunkName: "=chain")
        }
        #expect(error.limit == nil)
        #expect(error.message.contains("chain of more than 200 field or index accesses"), "\(error.message)")
    }

    @Test("field chains up to the cap, index chains, calls and long strings still load")
    func ordinaryChainsLoad() throws {
        let state = try makeState()
        let chain = "local t = {} t.a = t return type(t" + String(repeating: ".a", count: 200) + ")"
        #expect(try eval(state, chain) == "table")
        #expect(throws: LuaError.self) { try state.run(chain.replacingOccurrences(of: ")", with: ".a)"), chunkName: "=c") }
        // Calls break a chain; strings and comments are not code.
        let calls = "local t = {} function t.f() return t end return type(t" + String(repeating: ".f()", count: 300) + ")"
        #expect(try eval(state, calls) == "table")
        let indexes = "local t = {} t[1] = t return type(t" + String(repeating: "[1]", count: 200) + ")"
        #expect(try eval(state, indexes) == "table")
        #expect(throws: LuaError.self) { try state.run(indexes.replacingOccurrences(of: ")", with: "[1])"), chunkName: "=c") }
        let quoted = "local s = '" + String(repeating: ".a", count: 300) + "' --[[" + String(repeating: ".a", count: 300) + "]] return #s"
        #expect(try eval(state, quoted) == 600)
        // The same cap applies to load and require.
        #expect(try eval(state, "return select(2, load(\"return t\" .. string.rep('.a', 201)))")
            .stringValue?.contains("chain of more than 200") == true)
    }

    @Test("1e64c139: nested coroutine.close in <close> handlers ends cleanly, no C-stack crash")
    func nestedCloses() throws {
        let state = try makeState(memoryLimit: 64 << 20, timeout: .seconds(20))
        try state.setGlobal("arg", .table(LuaTable(array: ["5000"])))
        try state.run("print = function() end", chunkName: "=quiet")
        // Either outcome is clean: the deepest close fails with a Lua error, the rest goes on.
        _ = try? state.run(try Self.fixture("coroutine-close-nesting"), chunkName: "=nest")
        #expect(try eval(state, "return 'alive'") == "alive")
    }

    @Test("CVE-2022-33099 area: a message handler that overflows the C stack fails cleanly")
    func handlerStackOverflow() throws {
        let state = try makeState(memoryLimit: 64 << 20, timeout: .seconds(20))
        try state.run("print = function() end", chunkName: "=quiet")
        _ = try? state.run(try Self.fixture("xpcall-handler-cstack"), chunkName: "=x")
        #expect(try eval(state, "return 'alive'") == "alive")
    }

    // 603b2c64 (Debian's liblua5.4 only): a __concat metamethod that moves the stack makes
    // luaV_concat use freed memory. Prevented by the concat guard; its reproduction and the
    // variants an attacker would try are in ConcatGuardTests.
}
