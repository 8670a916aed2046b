internal import TFScriptLuaShims
internal import TFScriptCLua

/// The stack of one Lua thread (the main state or a coroutine running a host function).
///
/// Only raw, non-raising API calls are made here; callers run with the memory limit relaxed so
/// allocations cannot raise either (a real out-of-memory panics, as for any allocation).
struct LuaStack {
    let L: OpaquePointer
    unowned let state: LuaState

    var maxDepth: Int { state.configuration.maxValueDepth }
    var top: Int32 { lua_gettop(L) }

    func ensure(_ slots: Int32) throws {
        if lua_checkstack(L, slots) == 0 { throw LuaValueError("Lua stack overflow (too many values)") }
    }

    func popString() -> String {
        let text = string(at: -1) ?? "(error object is not a string)"
        tfs_pop(L, 1)
        return text
    }

    func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let pointer = lua_tolstring(L, index, &length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    // MARK: push

    /// Pushes `value`; on failure nothing is left on the stack.
    func push(_ value: LuaValue) throws {
        let saved = top
        do {
            try ensure(1)
            try push(value, depth: 0)
        } catch {
            lua_settop(L, saved)
            throw error
        }
    }

    private func push(_ value: LuaValue, depth: Int) throws {
        switch value {
        case .nil, .unrepresentable: lua_pushnil(L)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): push(bytes: s.bytes)
        case .lightUserdata(let address): lua_pushlightuserdata(L, UnsafeMutableRawPointer(bitPattern: address))
        case .table(let t): try push(table: t, depth: depth)
        }
    }

    func push(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer(pushBuffer)
    }

    func push(string: String) {
        var string = string // withUTF8 reads a native string in place: no array per push
        string.withUTF8(pushBuffer)
    }

    private func pushBuffer(_ buffer: UnsafeBufferPointer<UInt8>) {
        buffer.withMemoryRebound(to: CChar.self) { chars in
            if let base = chars.baseAddress {
                _ = lua_pushlstring(L, base, chars.count)
            } else {
                _ = lua_pushlstring(L, "", 0)
            }
        }
    }

    private func push(table: LuaTable, depth: Int) throws {
        guard depth < maxDepth else { throw LuaValueError("table nested deeper than \(maxDepth) levels") }
        try ensure(3)
        lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.entries.count))
        let t = top
        for (offset, element) in table.array.enumerated() {
            try push(element, depth: depth + 1)
            lua_rawseti(L, t, lua_Integer(offset + 1))
        }
        for entry in table.entries {
            switch entry.key {
            case .nil, .unrepresentable: continue // not a valid key: rawset would raise
            case .number(let d) where d.isNaN: continue
            default: break
            }
            try push(entry.key, depth: depth + 1)
            try push(entry.value, depth: depth + 1)
            lua_rawset(L, t)
        }
        if let name = table.metatableName {
            // Only a metatable the host registered (never one created from a name in data).
            _ = tfs_set_host_metatable(L, t, name)
        }
    }

    // MARK: read

    /// Copies the value at `index` (raw access only; cycles and excess depth refused).
    ///
    /// The copy is host memory made for the script, so it is charged to the script's memory
    /// budget while it is built (a table reached twice, `t = {t, t}`, is copied twice: a DAG
    /// 40 levels deep would be 2^40 nodes). Running over the budget trips the memory limit and
    /// throws; the charge is given back when the copy is done (the caller owns it then), or,
    /// with `held`, when the holder releases it (a host call, when it returns).
    func value(at index: Int32, held: HeldCharge? = nil) throws -> LuaValue {
        let saved = top
        var path = Set<UnsafeRawPointer>()
        let budget = CopyBudget(L: L)
        defer { budget.finish(into: held) }
        do {
            return try value(at: lua_absindex(L, index), depth: 0, path: &path, budget: budget)
        } catch {
            lua_settop(L, saved)
            throw error
        }
    }

    private func value(at index: Int32, depth: Int, path: inout Set<UnsafeRawPointer>, budget: CopyBudget) throws -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(Int64(lua_tointegerx(L, index, nil))) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            var length = 0
            let pointer = lua_tolstring(L, index, &length)!
            try budget.spend(length + 32)
            return .string(LuaString(bytes: Array(UnsafeRawBufferPointer(start: pointer, count: length))))
        case LUA_TLIGHTUSERDATA:
            return .lightUserdata(UInt(bitPattern: lua_touserdata(L, index)))
        case LUA_TTABLE:
            try budget.spend(64)
            return .table(try table(at: index, depth: depth, path: &path, budget: budget))
        default:
            return .unrepresentable(typeName: String(cString: lua_typename(L, lua_type(L, index))))
        }
    }

    private func table(at index: Int32, depth: Int, path: inout Set<UnsafeRawPointer>, budget: CopyBudget) throws -> LuaTable {
        guard depth < maxDepth else { throw LuaValueError("table nested deeper than \(maxDepth) levels") }
        let identity = lua_topointer(L, index)!
        guard path.insert(identity).inserted else { throw LuaValueError("table contains a cycle") }
        defer { path.remove(identity) }
        try ensure(4)
        var result = LuaTable()
        var i: lua_Integer = 1
        while lua_rawgeti(L, index, i) != LUA_TNIL {
            try budget.spend(24)
            result.array.append(try value(at: top, depth: depth + 1, path: &path, budget: budget))
            tfs_pop(L, 1)
            i += 1
        }
        tfs_pop(L, 1)
        let arrayCount = lua_Integer(result.array.count)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            let keyIndex = top - 1
            if lua_isinteger(L, keyIndex) != 0 {
                let k = lua_tointegerx(L, keyIndex, nil)
                if k >= 1 && k <= arrayCount {
                    tfs_pop(L, 1)
                    continue
                }
            }
            try budget.spend(48)
            let key = try value(at: keyIndex, depth: depth + 1, path: &path, budget: budget)
            let item = try value(at: top, depth: depth + 1, path: &path, budget: budget)
            result.entries.append(LuaTable.Entry(key: key, value: item))
            tfs_pop(L, 1)
        }
        result.metatableName = metatableName(at: index)
        return result
    }

    /// The name of the value's metatable when it is a host metatable (the one registered
    /// under its `__name`, by identity); nil for any other, so a script cannot pass its own
    /// table off as a host object by copying a `__name`.
    func metatableName(at index: Int32) -> String? {
        guard lua_getmetatable(L, index) != 0 else { return nil }
        _ = lua_pushstring(L, "__name")
        lua_rawget(L, -2)
        let name = string(at: -1)
        tfs_pop(L, 2)
        guard let name, tfs_has_host_metatable(L, index, name) != 0 else { return nil }
        return name
    }
}

/// Charges a copy out of Lua to the script's memory budget in steps (DESIGN.md §4: every
/// host-side allocation made for a script is charged), and checks the deadline and interrupt
/// as it goes: a copy is Swift work the count hook cannot stop.
final class CopyBudget {
    private let L: OpaquePointer
    private var pending = 0
    private var charged = 0
    private static let step = 256 << 10
    /// Without a memory limit a copy is still bounded (a shared subtable is copied every time
    /// it is reached).
    private static let unlimitedCap = 1 << 30

    init(L: OpaquePointer) { self.L = L }

    func spend(_ bytes: Int) throws {
        pending += bytes
        guard pending >= Self.step else { return }
        let amount = pending
        pending = 0
        if tfs_check_limits(L) != 0 { throw LuaValueError("the script's time is up (while copying a value)") }
        if tfs_memory_limit(L) == 0 {
            charged += amount
            if charged > Self.unlimitedCap {
                throw LuaValueError("value too large to copy (over \(Self.unlimitedCap >> 20) MiB as a tree)")
            }
            return
        }
        guard tfs_charge(L, amount) != 0 else {
            throw LuaValueError("memory limit exceeded while copying a value out of Lua")
        }
        charged += amount
    }

    func finish(into held: HeldCharge? = nil) {
        if tfs_memory_limit(L) != 0 {
            if let held { held.bytes += charged } else { tfs_uncharge(L, charged) }
        }
        charged = 0
    }
}

/// Copies' charges kept for as long as the copies are in use: a host call's arguments stay
/// charged until the host function returns, so the work it does with them (a table rendered,
/// a body encoded) holds budget, not just the moment they were copied.
final class HeldCharge {
    var bytes = 0

    /// Gives the held bytes back to the budget of the state `L`.
    func release(_ L: OpaquePointer) {
        if bytes > 0 { tfs_uncharge(L, bytes) }
        bytes = 0
    }
}
