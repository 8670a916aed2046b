import TFScriptJSON
import TFScriptLuaHost

extension TFModule {
    /// `tf.json.encode/decode/null/array/object`: they need nothing of the run.
    static let jsonParts: [LuaHostLibrary.Part] = [
        .module(["tf", "json"], functions: [
            "encode": { call in
                let function = "tf.json.encode"
                let options = try Arguments.options(call, 2, allowed: ["pretty"], function: function)
                var pretty = false
                if let flag = options["pretty"] {
                    guard let value = flag.boolValue else {
                        throw ScriptError.validation(function, "options.pretty must be a boolean, got \(flag.kindDescription)")
                    }
                    pretty = value
                }
                let value = try Arguments.json(call, 1, name: "value", function: function)
                // The text becomes a Lua string: it must fit in what is left of the budget.
                let room = call.state.memoryRemaining ?? Self.maxUnlimitedText
                // Writing is host work the script sized (pretty printing a deep value is far
                // larger than the value): the run's limits reach it as they reach Lua code.
                let work = call.state.hostWork()
                let bound = RenderBound(maxBytes: room, shouldStop: { work.shouldStop(after: $0) })
                guard let text = value.serializedBytes(pretty: pretty, bound: bound) else {
                    try work.check() // stopped by a limit (deadline, interrupt)
                    // Over what is left: that is the memory limit (the trampoline raises it).
                    _ = call.state.charge(room + 1)
                    throw ScriptError(kind: .limit, message: "\(function): the JSON text does not fit in the memory limit")
                }
                return [.string(LuaString(bytes: text))]
            },
            "decode": { call in
                let function = "tf.json.decode"
                guard call.typeName(of: 1) == "string" else {
                    throw ScriptError.validation(function, "text must be a string, got \(Arguments.describe(call, 1))")
                }
                // Decoded in C straight into Lua tables (same mapping as LuaJSON), without a
                // Swift copy of the text or the tree: large documents are the common case.
                if let failure = call.returnDecodedJSON(
                    fromArgument: 1, arrayMetatable: LuaJSON.arrayMarker, objectMetatable: LuaJSON.objectMarker)
                {
                    throw ScriptError.validation(function, JSONError(message: failure.message, offset: failure.offset).description)
                }
                return []
            },
            "array": { call in try mark(call, as: LuaJSON.arrayMarker, function: "tf.json.array") },
            "object": { call in try mark(call, as: LuaJSON.objectMarker, function: "tf.json.object") },
        ], values: ["null": LuaJSON.null]),
    ]

    /// The longest text `tf.json.encode` builds for a state without a memory limit.
    static let maxUnlimitedText = 1 << 30

    private static func mark(_ call: LuaHostCall, as marker: String, function: String) throws -> [LuaValue] {
        guard call.typeName(of: 1) == "table" else {
            throw ScriptError.validation(function, "t must be a table, got \(Arguments.describe(call, 1))")
        }
        guard call.setMetatable(ofArgument: 1, named: marker) else {
            throw ScriptError.validation(function, "t has a protected metatable (__metatable), which cannot be replaced")
        }
        call.returnArgument(1)
        return []
    }
}
