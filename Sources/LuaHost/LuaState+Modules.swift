internal import CLuaShims
internal import CLua

extension LuaState {
    /// Adds host functions and values to the (nested) global table at `path`, e.g.
    /// `["tf", "endpoints"]` → `tf.endpoints.list`. Missing tables on the path are created;
    /// existing ones are extended. Register before ``makeReadOnly(_:deep:)`` freezes a module.
    public func registerModule(_ path: [String], functions: [String: LuaHostFunction] = [:], values: [String: LuaValue] = [:]) throws {
        precondition(!path.isEmpty, "a module needs a name")
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(8))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            for name in path {
                stack.push(string: name)
                let type = lua_rawget(L, -2)
                if type == LUA_TNIL {
                    tfs_pop(L, 1)
                    lua_createtable(L, 0, 0)
                    stack.push(string: name)
                    lua_pushvalue(L, -2)
                    lua_rawset(L, -4)
                } else if type != LUA_TTABLE || lua_getmetatable(L, -1) != 0 {
                    throw LuaValueError("cannot register module \(path.joined(separator: ".")): '\(name)' is not a plain table")
                }
                tfs_remove(L, -2)
            }
            for (name, function) in functions.sorted(by: { $0.key < $1.key }) {
                stack.push(string: name)
                pushHostFunction(function, on: stack)
                lua_rawset(L, -3)
            }
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                stack.push(string: name)
                try stack.push(value)
                lua_rawset(L, -3)
            }
        }
    }

    /// Defines (or extends) the metatable registered under `name`, e.g. an error type with
    /// `__tostring`. Tables pushed with that ``LuaTable/metatableName`` get it.
    public func registerMetatable(_ name: String, functions: [String: LuaHostFunction] = [:], values: [String: LuaValue] = [:]) throws {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(6))
            _ = luaL_newmetatable(L, name)
            for (key, function) in functions {
                stack.push(string: key)
                pushHostFunction(function, on: stack)
                lua_rawset(L, -3)
            }
            for (key, value) in values {
                stack.push(string: key)
                try stack.push(value)
                lua_rawset(L, -3)
            }
        }
    }

    /// Replaces global `name` with a read-only proxy (writes and `rawset` raise; `pairs` and
    /// `#` still work). `deep` proxies nested plain tables too, e.g. `tf.endpoints`.
    public func makeReadOnly(_ name: String, deep: Bool = true) throws {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(8))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            stack.push(string: name)
            guard lua_rawget(L, -2) == LUA_TTABLE else { throw LuaValueError("global '\(name)' is not a table") }
            guard tfs_push_readonly(L, -1, name, deep ? 1 : 0) == LUA_OK else {
                throw LuaValueError("cannot make '\(name)' read-only: \(stack.popString())")
            }
            stack.push(string: name)
            tfs_insert(L, -2)
            lua_rawset(L, -4)
        }
    }

    /// Sets global `name` rawly (no `__newindex` runs).
    public func setGlobal(_ name: String, _ value: LuaValue) throws {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(4))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            stack.push(string: name)
            try stack.push(value)
            lua_rawset(L, -3)
        }
    }

    /// Sets global `name` to a host function.
    public func setGlobal(_ name: String, function: @escaping LuaHostFunction) throws {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(4))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            stack.push(string: name)
            pushHostFunction(function, on: stack)
            lua_rawset(L, -3)
        }
    }

    /// Reads global `name` rawly (a copy).
    public func global(_ name: String) throws -> LuaValue {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        return try relaxed {
            try stack.ensure(Int32(3))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            stack.push(string: name)
            lua_rawget(L, -2)
            return try stack.value(at: -1)
        }
    }

    func pushHostFunction(_ function: @escaping LuaHostFunction, on stack: LuaStack) {
        let box = HostFunctionBox(body: function, state: self)
        hostFunctions.append(box)
        tfs_push_host_function(stack.L, Unmanaged.passUnretained(box).toOpaque())
    }
}
