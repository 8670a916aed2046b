internal import TFScriptLuaShims
internal import TFScriptCLua

extension LuaState {
    /// Sets `key` of the module table at `path` (e.g. `["tf"]`, `"dry_run"`) from the host, for
    /// fields whose value changes during a session (the REPL's `:dry-run on|off` updates
    /// `tf.dry_run`). Raw access only: no metamethod runs.
    public func setModuleField(_ path: [String], _ key: String, _ value: LuaValue) throws {
        try withModuleTable(path) { stack in
            stack.push(string: key)
            try stack.push(value)
            lua_rawset(L, -3)
        }
    }

    /// Sets `key` of the module table at `path` to a Lua function the host holds, e.g. a
    /// helper written in Lua. See ``setModuleField(_:_:_:)``.
    public func setModuleField(_ path: [String], _ key: String, function: LuaFunctionReference) throws {
        try withModuleTable(path) { stack in
            stack.push(string: key)
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(function.reference))
            lua_rawset(L, -3)
        }
    }

    /// Pushes the table at `path` (globals first), runs `body`
    /// with it on top, then restores the stack.
    private func withModuleTable(_ path: [String], _ body: (LuaStack) throws -> Void) throws {
        precondition(!path.isEmpty, "a module needs a name")
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(8))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            for name in path {
                stack.push(string: name)
                guard lua_rawget(L, -2) == LUA_TTABLE else {
                    throw LuaValueError("cannot set a field of \(path.joined(separator: ".")): '\(name)' is not a table")
                }
                tfs_remove(L, -2)
            }
            try body(stack)
        }
    }
}
