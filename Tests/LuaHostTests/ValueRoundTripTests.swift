import Testing
@testable import TFScriptLuaHost

/// Values pushed from Swift and read back, and values made in Lua read into Swift.
struct ValueRoundTripTests {
    static let samples: [LuaValue] = [
        .nil, true, false, 0, 3, -7, .integer(.max), .integer(.min), 3.0, 0.5, -1e300,
        .number(.infinity), "hello", .string(LuaString(bytes: [0, 1, 0, 255, 0])),
        .lightUserdata(0), .lightUserdata(0xdead_beef),
        [1, 2, 3], ["a": 1, "b": [true, "x"]], [[[["deep"]]]],
        .table(LuaTable(array: [1], entries: [.init(key: "k", value: 2.5)])),
    ]

    @Test("each value kind survives Swift → Lua → Swift", arguments: samples)
    func roundTrip(_ value: LuaValue) throws {
        let state = try makeState()
        let echo: LuaHostFunction = { call in [try call.argument(1)] }
        try state.setGlobal("echo", function: echo)
        try state.setGlobal("v", value)
        let back = try state.run("return echo(v)", chunkName: "=test")
        #expect(back == [value])
    }

    @Test("integer and float subtypes stay distinct")
    func integerVersusFloat() throws {
        let state = try makeState()
        let values = try state.run("return 3, 3.0, math.maxinteger, math.mininteger, 2^53, 1//1, 1/1", chunkName: "=t")
        #expect(values == [.integer(3), .number(3.0), .integer(.max), .integer(.min), .number(9007199254740992), .integer(1), .number(1)])
        try state.setGlobal("i", .integer(3))
        try state.setGlobal("f", .number(3))
        #expect(try eval(state, "return math.type(i) .. ',' .. math.type(f)") == "integer,float")
    }

    @Test("binary strings with NULs keep every byte")
    func binaryStrings() throws {
        let state = try makeState()
        #expect(try eval(state, "return '\\0a\\0\\255'") == .string(LuaString(bytes: [0, 97, 0, 255])))
        try state.setGlobal("s", .string(LuaString(bytes: [0, 0, 7])))
        #expect(try eval(state, "return #s") == 3)
    }

    @Test("nested tables keep array part, keys and metatable names")
    func nestedTables() throws {
        let state = try makeState()
        try state.registerMetatable("test.marker")
        let value = try eval(state, """
            local t = {1, 2, {x = {y = 'z'}}, name = 'n', [10] = 'sparse', [2.5] = 'f'}
            return t
            """)
        let table = try #require(value.tableValue)
        #expect(table.array == [1, 2, ["x": ["y": "z"]]])
        #expect(table["name"] == "n")
        #expect(table[.integer(10)] == "sparse")
        #expect(table[.number(2.5)] == "f")
        #expect(table.metatableName == nil)
    }

    @Test("metatable names cross both ways")
    func metatableNames() throws {
        let state = try makeState()
        try state.registerMetatable("test.array", values: ["kind": "array"])
        try state.setGlobal("a", .table(LuaTable(array: [1], metatableName: "test.array")))
        #expect(try eval(state, "return getmetatable(a)") == false) // locked
        let back = try eval(state, "return a")
        #expect(back.tableValue?.metatableName == "test.array")
    }

    @Test("a table that contains itself is refused")
    func cycleRefused() throws {
        let state = try makeState()
        #expect(throws: LuaError.self) { try state.run("local t = {}; t.self = t; return t", chunkName: "=t") }
        // The state stays usable.
        #expect(try eval(state, "return 1") == 1)
    }

    @Test("a shared (non-cyclic) subtable is copied twice")
    func sharedSubtable() throws {
        let state = try makeState()
        let value = try eval(state, "local s = {1}; return {s, s}")
        #expect(value == [[1], [1]])
    }

    @Test("tables nested deeper than the limit are refused both ways")
    func depthRefused() throws {
        let state = try LuaState(configuration: LuaStateConfiguration(maxValueDepth: 50))
        #expect(throws: LuaError.self) {
            try state.run("local t = {} for i = 1, 100 do t = {t} end return t", chunkName: "=t")
        }
        var deep: LuaValue = "leaf"
        for _ in 0..<100 { deep = [deep] }
        #expect(throws: LuaValueError.self) { try state.setGlobal("d", deep) }
    }

    @Test("functions read as unrepresentable values")
    func functionsUnrepresentable() throws {
        let state = try makeState()
        #expect(try eval(state, "return print") == .unrepresentable(typeName: "function"))
    }
}
