internal import TFScriptLuaShims
internal import TFScriptCLua

/// An array a host function builds on the Lua stack and returns as is: for results decoded
/// straight from JSON text (an API's list pages), so the items never exist as Swift values.
///
/// Made by ``LuaHostCall/returnNewArray(metatable:)``; lives until the host function returns.
public struct LuaResultArray {
    let stack: LuaStack
    let index: Int32
    /// How many items the array holds so far.
    public private(set) var count = 0

    /// Decodes `text` (a JSON array) in C and appends the items `keep` accepts, in order.
    ///
    /// Each item is decoded under the script's memory budget, with the metatables registered
    /// under `arrayMetatable`/`objectMetatable` (as `tf.json.decode` does). `keep` sees each
    /// object item through a ``LuaDecodedObject`` and may edit it; non-object items are kept
    /// as they are. Returns the reason and byte offset when `text` is not valid JSON or not an
    /// array (nothing is appended then).
    public mutating func appendDecoded(
        _ text: ArraySlice<UInt8>, arrayMetatable: String, objectMetatable: String, maxDepth: Int = 1000,
        keep: (inout LuaDecodedObject) throws -> Bool
    ) throws -> (message: String, offset: Int)? {
        let L = stack.L
        guard text.first == UInt8(ascii: "[") else { return ("expected an array", 0) }
        var message = [CChar](repeating: 0, count: 160)
        var offset = 0
        let decoded = text.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                tfs_json_decode_buffer_push(
                    L, chars.baseAddress, chars.count, arrayMetatable, objectMetatable, Int32(maxDepth), &message, message.count, &offset)
            }
        }
        guard decoded == 1 else {
            return (String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), offset)
        }
        let items = lua_gettop(L)
        defer { lua_settop(L, items - 1) }
        try stack.ensure(6)
        let length = lua_Integer(lua_rawlen(L, items))
        var i: lua_Integer = 1
        while i <= length {
            let type = lua_rawgeti(L, items, i)
            var object = LuaDecodedObject(stack: stack, index: lua_gettop(L))
            let kept = try type != LUA_TTABLE || keep(&object)
            if kept {
                lua_rawseti(L, index, lua_Integer(count + 1))
                count += 1
            } else {
                tfs_pop(L, 1)
            }
            i += 1
        }
        return nil
    }
}

/// One decoded JSON object on the Lua stack, read and edited with raw access only (no
/// metamethod can run): what a host needs to normalize and filter API results in place.
public struct LuaDecodedObject {
    let stack: LuaStack
    let index: Int32

    /// The member's text when it is a string.
    public func string(_ key: String) -> String? {
        push(key)
        defer { tfs_pop(stack.L, 1) }
        lua_rawget(stack.L, index)
        return stack.string(at: -1)
    }

    /// The member's value when it is a boolean.
    public func boolean(_ key: String) -> Bool? {
        push(key)
        defer { tfs_pop(stack.L, 1) }
        guard lua_rawget(stack.L, index) == LUA_TBOOLEAN else { return nil }
        return lua_toboolean(stack.L, -1) != 0
    }

    /// Whether the member is present (JSON null counts as present).
    public func has(_ key: String) -> Bool {
        push(key)
        defer { tfs_pop(stack.L, 1) }
        return lua_rawget(stack.L, index) != LUA_TNIL
    }

    /// A copy of the member (nil when absent); for small members only.
    public func value(_ key: String) throws -> LuaValue? {
        push(key)
        defer { tfs_pop(stack.L, 1) }
        guard lua_rawget(stack.L, index) != LUA_TNIL else { return nil }
        return try stack.value(at: lua_gettop(stack.L))
    }

    /// Sets the member to a string.
    public func set(_ key: String, string: String) {
        push(key)
        stack.push(bytes: Array(string.utf8))
        lua_rawset(stack.L, index)
    }

    /// Sets member `key` to the value of member `source` (the same Lua value, not a copy).
    public func set(_ key: String, toValueOf source: String) {
        push(key)
        push(source)
        lua_rawget(stack.L, index)
        lua_rawset(stack.L, index)
    }

    private func push(_ key: String) {
        _ = key.withCString { lua_pushstring(stack.L, $0) }
    }
}

extension LuaHostCall {
    /// Pushes a new empty array with the metatable registered under `metatable` and makes the
    /// call return it (ignoring the closure's returned values).
    public func returnNewArray(metatable: String) throws -> LuaResultArray {
        try stack.ensure(4)
        lua_createtable(stack.L, 0, 0)
        let index = lua_gettop(stack.L)
        _ = tfs_set_host_metatable(stack.L, index, metatable)
        passthrough.argumentIndex = index
        return LuaResultArray(stack: stack, index: index)
    }
}
