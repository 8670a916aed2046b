internal import TFScriptLuaShims
internal import TFScriptCLua

extension LuaState {
    /// Sets `key` of the module table at `path` (e.g. `["tf"]`, `"dry_run"`) from the host, for
    /// fields whose value changes during a session (the REPL's `:dry-run on|off` updates
    /// `tf.dry_run`). Raw access only: no metamethod runs.
    public func setModuleField(_ path: [String], _ key: String, _ value: LuaValue) throws {
        try withModuleTable(path, creating: false) { stack in
            stack.push(string: key)
            try stack.push(value)
            lua_rawset(L, -3)
        }
    }

    /// Sets `key` of the module table at `path` to a Lua function the host holds, e.g. a
    /// helper written in Lua. See ``setModuleField(_:_:_:)``.
    public func setModuleField(_ path: [String], _ key: String, function: LuaFunctionReference) throws {
        try withModuleTable(path, creating: false) { stack in
            stack.push(string: key)
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(function.reference))
            lua_rawset(L, -3)
        }
    }

    /// Sets fields of the module table at `path` (created when missing), in the order given:
    /// the per-run values (`tf.dry_run`, `tf.version`, `tf.vars`) without building a
    /// dictionary to sort on every run's path (issue 21). Raw access only.
    package func setModuleFields(_ path: [String], _ fields: KeyValuePairs<String, LuaValue>) throws {
        try withModuleTable(path, creating: true, sizeHint: fields.count) { stack in
            for (key, value) in fields {
                stack.push(string: key)
                try stack.push(value)
                lua_rawset(L, -3)
            }
        }
    }
}
