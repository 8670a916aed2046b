import Testing
@testable import TFScriptLuaHost

/// A ``LuaHostLibrary`` is made once and installed into many states (issue 21): its functions
/// serve each state they are installed in, finding that state's own host context, and nothing
/// a script does to its copy reaches another state.
struct HostLibraryTests {
    /// What one state's functions answer with (a run's context, in the `tf` module).
    final class Owner: Sendable {
        let name: String
        init(_ name: String) { self.name = name }
    }

    static let library = LuaHostLibrary([
        .table(["lib"], size: 4),
        .metatable("lib.box", functions: ["__tostring": { _ in ["a box"] }], values: ["__metatable": false]),
        .module(["lib"], functions: [
            "owner": { call in
                guard let owner = call.state.hostContext as? Owner else { throw LuaHostError("no owner") }
                return [.string(LuaString(owner.name))]
            },
            "box": { call in
                call.setMetatable(ofArgument: 1, named: "lib.box")
                call.returnArgument(1)
                return []
            },
        ], values: ["answer": 42]),
        .global("__lib_hidden") { _ in ["hidden"] },
        .chunk("""
            local hidden = __lib_hidden
            __lib_hidden = nil
            lib.wrapped = function() return hidden() .. " via Lua" end
            """, name: "=lib"),
    ])

    func state(owner: String) throws -> LuaState {
        let state = try makeState()
        state.hostContext = Owner(owner)
        try state.install(Self.library)
        return state
    }

    @Test("one library in two states: each function answers for the state that calls it")
    func perState() throws {
        let first = try state(owner: "first"), second = try state(owner: "second")
        #expect(try first.run("return lib.owner(), lib.answer, lib.wrapped(), __lib_hidden") == ["first", 42, "hidden via Lua", .nil])
        #expect(try second.run("return lib.owner()") == ["second"])
    }

    @Test("a script changing its copy of the library changes nothing in another state")
    func isolated() throws {
        let first = try state(owner: "first"), second = try state(owner: "second")
        _ = try first.run("lib.owner = function() return 'pwned' end lib.answer = 0 lib.extra = true")
        #expect(try second.run("return lib.owner(), lib.answer, lib.extra") == ["second", 42, .nil])
        // A state made after the change gets the library as it was made.
        let third = try state(owner: "third")
        #expect(try third.run("return lib.owner(), lib.answer") == ["third", 42])
    }

    @Test("a library's metatable is the host's and locked: scripts see false and cannot replace it")
    func lockedMetatable() throws {
        let state = try state(owner: "x")
        let seen = try state.run("""
            local b = lib.box({})
            local replaced = pcall(setmetatable, b, {})
            return getmetatable(b), tostring(b), replaced
            """)
        #expect(seen == [false, "a box", false])
    }
}
