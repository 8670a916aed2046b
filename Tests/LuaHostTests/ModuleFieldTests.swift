import Testing
@testable import TFScriptLuaHost

/// The REPL's two host-side reads and writes of modules: `setModuleField` (for `tf.dry_run`,
/// `tf.show`) and `fieldNames` (tab completion). Both use raw access only.
struct ModuleFieldTests {
    @Test("the host can change a field of a module without running metamethods")
    func setFieldOfModule() throws {
        let state = try makeState()
        try state.registerModule(["m"], values: ["flag": false])
        try state.run("setmetatable(m, {__newindex = function() error('must not run') end})", chunkName: "=t")
        try state.setModuleField(["m"], "flag", true)
        #expect(try eval(state, "return m.flag") == true)
    }

    @Test("the host can add a Lua function to a nested module")
    func setFunctionField() throws {
        let state = try makeState()
        try state.registerModule(["m", "sub"], values: ["x": 1])
        let function = try state.load(Array("local n = ... return n * 2".utf8), chunkName: "=t")
        try state.setModuleField(["m", "sub"], "double", function: function)
        #expect(try eval(state, "return m.sub.double(21)") == 42)
    }

    @Test("setting a field of a missing module fails with a clear error")
    func missingModule() throws {
        let state = try makeState()
        #expect(throws: LuaValueError.self) { try state.setModuleField(["nope"], "x", 1) }
    }

    @Test("field names list globals, plain tables and modules")
    func fieldNames() throws {
        let state = try makeState()
        try state.registerModule(["m", "endpoints"], functions: ["list": { _ in [] }, "get": { _ in [] }])
        try state.run("plain = {alpha = 1, beta = {}, [1] = 2, ['not a name'] = 3}", chunkName: "=t")
        #expect(state.fieldNames(at: []).contains("plain"))
        #expect(state.fieldNames(at: []).contains("print"))
        #expect(state.fieldNames(at: ["plain"]) == ["alpha", "beta"])
        #expect(state.fieldNames(at: ["m"]) == ["endpoints"])
        #expect(state.fieldNames(at: ["m", "endpoints"]) == ["get", "list"])
        #expect(state.fieldNames(at: ["string"]).contains("upper"))
        #expect(state.fieldNames(at: ["nothing", "here"]) == [])
    }

    @Test("field names follow __index tables (classes, string methods) without running metamethods")
    func fieldNamesThroughIndex() throws {
        let state = try makeState()
        try state.run("""
            Class = {greet = function() end}
            object = setmetatable({own = 1}, {__index = Class})
            trap = setmetatable({}, {__index = function() error('must not run') end})
            s = 'text'
            """, chunkName: "=t")
        #expect(state.fieldNames(at: ["object"]) == ["greet", "own"])
        #expect(state.fieldNames(at: ["trap"]) == [])
        #expect(state.fieldNames(at: ["s"]).contains("upper"))
    }
}
