import Testing
@testable import TFScriptLuaHost

/// Host functions: registration, arguments, results and errors raised into Lua.
struct HostFunctionTests {
    struct TableError: LuaErrorConvertible {
        var luaErrorValue: LuaValue {
            .table(LuaTable(fields: ["kind": "api", "status": 404, "message": "not found"], metatableName: "test.error"))
        }
    }

    func stateWithModule() throws -> LuaState {
        let state = try makeState()
        try state.registerMetatable("test.error", functions: [
            "__tostring": { call in
                let err = try call.argument(1)
                return [.string(LuaString("E\(err["status"]): \(err["message"].stringValue ?? "")"))]
            },
        ])
        try state.registerModule(["t", "api"], functions: [
            "add": { call in
                guard case .integer(let a) = try call.argument(1), case .integer(let b) = try call.argument(2) else {
                    throw LuaHostError("t.api.add: integers expected")
                }
                return [.integer(a &+ b)]
            },
            "fail": { _ in throw TableError() },
            "count": { call in [.integer(Int64(call.argumentCount)), .string(LuaString(call.typeName(of: 1)))] },
        ])
        return state
    }

    @Test("module functions are callable with nested names")
    func nestedModule() throws {
        let state = try stateWithModule()
        #expect(try eval(state, "return t.api.add(2, 40)") == 42)
        #expect(try state.run("return t.api.count(nil, nil)", chunkName: "=t") == [2, "nil"])
    }

    @Test("a string error carries the script position and is caught by pcall")
    func stringErrorCaught() throws {
        let state = try stateWithModule()
        let result = try state.run("""
            local ok, err = pcall(function()
              return t.api.add('x', 1)
            end)
            return ok, err
            """, chunkName: "@script.lua")
        #expect(result == [false, "script.lua:2: t.api.add: integers expected"])
    }

    @Test("a table error keeps its fields, where and __tostring")
    func tableErrorCaught() throws {
        let state = try stateWithModule()
        let result = try state.run("""
            local ok, err = pcall(t.api.fail)
            local ok2, err2 = pcall(function() t.api.fail() end)
            return err.status, err.kind, tostring(err), err2.where
            """, chunkName: "@s.lua")
        #expect(result == [404, "api", "E404: not found", "s.lua:2"])
    }

    @Test("an uncaught host error reaches Swift with its value and traceback")
    func uncaughtHostError() throws {
        let state = try stateWithModule()
        let error = try #require(throws: LuaError.self) { try state.run("t.api.fail()", chunkName: "@s.lua") }
        #expect(error.message == "E404: not found")
        #expect(error.value["status"] == 404)
        #expect(error.traceback.contains("stack traceback:"))
        #expect(error.traceback.contains("s.lua:1"))
    }

    @Test("a host function can call back into Lua and see its errors")
    func callbacks() throws {
        let state = try makeState()
        try state.setGlobal("apply") { call in
            guard let f = call.function(1) else { throw LuaHostError("apply: function expected") }
            return try call.call(f, [try call.argument(2)])
        }
        #expect(try eval(state, "return apply(function(x) return x * 2 end, 21)") == 42)
        let result = try state.run("return pcall(apply, function() error('inner') end)", chunkName: "@cb.lua")
        #expect(result == [false, "cb.lua:1: inner"])
    }

    @Test("errors thrown deep inside nested pcalls and host calls unwind cleanly")
    func deepNestedThrow() throws {
        let state = try makeState()
        try state.setGlobal("descend") { call in
            guard case .integer(let n) = try call.argument(1) else { return [] }
            if n == 0 { throw LuaHostError(value: .table(LuaTable(fields: ["depth": 0]))) }
            let f = call.function(2)!
            return try call.call(f, [.integer(n - 1)])
        }
        let result = try state.run("""
            local function step(n) 
              local ok, err = pcall(descend, n, step)
              if ok then return err end
              error(err, 0)
            end
            local ok, err = pcall(step, 40)
            return ok, type(err), err.depth
            """, chunkName: "@deep.lua")
        #expect(result == [false, "table", 0])
    }

    @Test("a throwing __tostring on an uncaught error does not crash")
    func throwingToString() throws {
        let state = try makeState()
        let error = try #require(throws: LuaError.self) {
            try state.run("error(setmetatable({}, {__tostring = function() error('boom') end}))", chunkName: "=t")
        }
        #expect(error.message.contains("__tostring failed"))
    }

    @Test("the caller position is available to host functions")
    func callerPosition() throws {
        let state = try makeState()
        try state.setGlobal("where") { call in [.string(LuaString(call.callerPosition))] }
        #expect(try eval(state, "\n\nreturn where()") == "test:3")
    }
}
