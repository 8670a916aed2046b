internal import TFScriptLuaShims
internal import TFScriptCLua

extension LuaState {
    /// The identifier-like string keys reachable at `path` from the globals, for the REPL's tab
    /// completion: `[]` lists globals, `["tf", "endpoints"]` lists `tf.endpoints`' fields.
    ///
    /// Raw access only (`lua_rawget`, `lua_next`, the real metatable), so completing never runs
    /// a metamethod and cannot raise, loop or touch the memory budget. Besides the table's own
    /// keys it lists those of tables reached through a metatable's `__index` (read-only
    /// proxies such as `tf` and `string`, classes, the string metatable for `s:`), up to a few
    /// levels. An unknown path gives `[]`. Call on the state's thread.
    public func fieldNames(at path: [String]) -> [String] {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        return relaxed {
            guard lua_checkstack(L, 16) != 0 else { return [] }
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            for name in path {
                guard stack.pushField(name, of: stack.top, hops: 0) else { return [] }
                tfs_remove(L, -2)
            }
            var names = Set<String>()
            stack.collectNames(of: stack.top, hops: 0, into: &names)
            return names.sorted()
        }
    }
}

extension LuaStack {
    private static let maxHops = 8

    /// Pushes `value[name]` following `__index` tables rawly; false (nothing pushed) if absent.
    func pushField(_ name: String, of index: Int32, hops: Int) -> Bool {
        guard hops < Self.maxHops, lua_checkstack(L, 4) != 0 else { return false }
        if lua_type(L, index) == LUA_TTABLE {
            push(string: name)
            if lua_rawget(L, index) != LUA_TNIL { return true }
            tfs_pop(L, 1)
        }
        guard pushIndexTable(of: index) else { return false }
        let found = pushField(name, of: top, hops: hops + 1)
        tfs_remove(L, found ? -2 : -1)
        return found
    }

    /// Adds the identifier keys of the value at `index` and of its `__index` chain.
    func collectNames(of index: Int32, hops: Int, into names: inout Set<String>) {
        guard hops < Self.maxHops, lua_checkstack(L, 4) != 0 else { return }
        if lua_type(L, index) == LUA_TTABLE {
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                if lua_type(L, -2) == LUA_TSTRING, let key = string(at: -2), Self.isIdentifier(key) {
                    names.insert(key)
                }
                tfs_pop(L, 1)
            }
        }
        guard pushIndexTable(of: index) else { return }
        collectNames(of: top, hops: hops + 1, into: &names)
        tfs_pop(L, 1)
    }

    /// Pushes the `__index` of the value's metatable when it is a table; false otherwise.
    private func pushIndexTable(of index: Int32) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        push(string: "__index")
        if lua_rawget(L, -2) == LUA_TTABLE {
            tfs_remove(L, -2)
            return true
        }
        tfs_pop(L, 2)
        return false
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return text.utf8.allSatisfy { c in
            c == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
        }
    }
}
