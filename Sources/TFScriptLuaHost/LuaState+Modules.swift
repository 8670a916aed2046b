internal import TFScriptLuaShims
internal import TFScriptCLua

extension LuaState {
    /// Adds host functions and values to the (nested) global table at `path`, e.g.
    /// `["tf", "endpoints"]` → `tf.endpoints.list`. Missing tables on the path are created;
    /// existing ones are extended. Module tables are ordinary tables: a script may change its own
    /// copy of `tf` as it may change `string` (each run has a fresh state); host Lua code keeps
    /// local references taken before the script runs.
    public func registerModule(_ path: [String], functions: [String: LuaHostFunction] = [:], values: [String: LuaValue] = [:]) throws {
        try addToModule(
            path, functions: ownedBoxes(functions), values: values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Boxes for functions this state owns, in name order.
    private func ownedBoxes(_ functions: [String: LuaHostFunction]) -> HostFunctionTable {
        let table = HostFunctionTable(functions.sorted { $0.key < $1.key }.map { ($0.key, HostFunctionBox(body: $0.value)) })
        hostFunctions += table.boxes // the names are needed only while they are set
        return table
    }

    /// ``registerModule(_:functions:values:)`` with the functions boxed already.
    func addToModule(_ path: [String], functions: HostFunctionTable, values: [(String, LuaValue)]) throws {
        try withModuleTable(path, creating: true, sizeHint: functions.boxes.count + values.count) { stack in
            try stack.ensure(Int32(3))
            functions.set(on: L)
            for (name, value) in values {
                stack.push(string: name)
                try stack.push(value)
                lua_rawset(L, -3)
            }
        }
    }

    /// Pushes the table at `path` (globals first), runs `body` with it on top, then restores
    /// the stack. Raw access only. With `creating`, missing tables on the path are made and
    /// each must be a plain table (no metatable: a module is the host's); without it, each
    /// must already be a table.
    ///
    /// `sizeHint`: how many fields the caller will add, so a table made here is allocated at
    /// that size once instead of growing step by step.
    func withModuleTable(_ path: [String], creating: Bool, sizeHint: Int = 0, _ body: (LuaStack) throws -> Void) throws {
        precondition(!path.isEmpty, "a module needs a name")
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(8))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            for (index, name) in path.enumerated() {
                stack.push(string: name)
                let type = lua_rawget(L, -2)
                if creating {
                    if type == LUA_TNIL {
                        tfs_pop(L, 1)
                        lua_createtable(L, 0, index == path.count - 1 ? Int32(clamping: sizeHint) : 1)
                        stack.push(string: name)
                        lua_pushvalue(L, -2)
                        lua_rawset(L, -4)
                    } else if type != LUA_TTABLE || lua_getmetatable(L, -1) != 0 {
                        throw LuaValueError("cannot register module \(path.joined(separator: ".")): '\(name)' is not a plain table")
                    }
                } else if type != LUA_TTABLE {
                    throw LuaValueError("cannot set a field of \(path.joined(separator: ".")): '\(name)' is not a table")
                }
                tfs_remove(L, -2)
            }
            try body(stack)
        }
    }

    /// Defines (or extends) the metatable registered under `name`, e.g. an error type with
    /// `__tostring`. Tables pushed with that ``LuaTable/metatableName`` get it.
    ///
    /// Host metatables are locked (`__metatable`): `getmetatable` returns `false`, so a script
    /// can neither read nor change them (a `__gc` added to a shared metatable would install a
    /// finalizer the sandbox's `setmetatable` refuses). A table has a host metatable only when
    /// the host set it: reading a table back recognises it by identity, never by `__name`.
    /// A host metatable cannot have `__gc` (a finalizer runs with hooks off) nor `__concat`
    /// (Lua 5.4.4 as Debian ships it uses freed memory after one; the sandbox refuses every
    /// `__concat` call, docs/sandbox.md).
    public func registerMetatable(_ name: String, functions: [String: LuaHostFunction] = [:], values: [String: LuaValue] = [:]) throws {
        Self.checkHostMetatable(functions: functions.keys, values: values.keys)
        try defineMetatable(name, functions: ownedBoxes(functions), values: values.map { ($0.key, $0.value) })
    }

    /// What no host metatable may have (see ``registerMetatable(_:functions:values:)``).
    static func checkHostMetatable(functions: some Sequence<String>, values: some Sequence<String>) {
        let keys = Set(functions).union(values)
        precondition(!keys.contains("__gc"), "host metatables never have finalizers")
        precondition(!keys.contains("__concat"), "host metatables never have __concat")
    }

    /// ``registerMetatable(_:functions:values:)`` with the functions boxed already.
    func defineMetatable(_ name: String, functions: HostFunctionTable, values: [(String, LuaValue)]) throws {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(6))
            if luaL_newmetatable(L, name) != 0 { tfs_lock_metatable(L) }
            functions.set(on: L)
            for (key, value) in values {
                stack.push(string: key)
                try stack.push(value)
                lua_rawset(L, -3)
            }
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
        let box = HostFunctionBox(body: function)
        hostFunctions.append(box)
        try setGlobal(name, box: box)
    }

    func setGlobal(_ name: String, box: HostFunctionBox) throws {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        defer { lua_settop(L, base) }
        try relaxed {
            try stack.ensure(Int32(4))
            lua_rawgeti(L, tfs_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
            stack.push(string: name)
            push(box, on: stack)
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
        let box = HostFunctionBox(body: function)
        hostFunctions.append(box)
        push(box, on: stack)
    }

    /// Pushes a Lua closure calling `box`, which the state or one of its libraries keeps.
    func push(_ box: HostFunctionBox, on stack: LuaStack) {
        tfs_push_host_function(stack.L, Unmanaged.passUnretained(box).toOpaque())
    }
}
