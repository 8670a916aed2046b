/// A copied Lua table: the sequence `t[1..n]`, every other key, and its metatable's name.
///
/// `metatableName` is the `__name` field of the metatable (what `luaL_newmetatable` sets). When
/// pushed, a table with a name gets the metatable registered under that name, created empty if
/// it does not exist yet: that is how JSON array/object markers and error objects with
/// `__tostring` cross the boundary. Entries keep the order Lua's `next` produced.
public struct LuaTable: Sendable, Hashable {
    /// One key/value pair outside the array part.
    public struct Entry: Sendable, Hashable {
        public var key: LuaValue
        public var value: LuaValue
        public init(key: LuaValue, value: LuaValue) {
            self.key = key
            self.value = value
        }
    }

    /// Values at keys 1...array.count, in order (never nil).
    public var array: [LuaValue]
    /// Every other key.
    public var entries: [Entry]
    /// The metatable's registered name, if it has one.
    public var metatableName: String?

    public init(array: [LuaValue] = [], entries: [Entry] = [], metatableName: String? = nil) {
        self.array = array
        self.entries = entries
        self.metatableName = metatableName
    }

    /// A table with string keys, e.g. an error object or a JSON object.
    public init(fields: [String: LuaValue], metatableName: String? = nil) {
        self.init(
            entries: fields.sorted { $0.key < $1.key }.map { Entry(key: .string(LuaString($0.key)), value: $0.value) },
            metatableName: metatableName
        )
    }

    /// The value at `key`, searching the array part for integer keys; `.nil` when absent.
    public subscript(key: LuaValue) -> LuaValue {
        if case .integer(let i) = key, i >= 1, i <= Int64(array.count) { return array[Int(i - 1)] }
        return entries.first { $0.key == key }?.value ?? .nil
    }

    /// The value at a string key.
    public subscript(key: String) -> LuaValue { self[.string(LuaString(key))] }

    /// Whether the table has no keys at all.
    public var isEmpty: Bool { array.isEmpty && entries.isEmpty }
}

extension LuaTable {
    /// Equal when the array parts, metatable names and key/value sets match; entry order (which
    /// follows Lua's hash layout) does not matter.
    public static func == (lhs: LuaTable, rhs: LuaTable) -> Bool {
        guard lhs.array == rhs.array, lhs.metatableName == rhs.metatableName,
              lhs.entries.count == rhs.entries.count else { return false }
        return lhs.entries.allSatisfy { entry in rhs[entry.key] == entry.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(array)
        hasher.combine(metatableName)
        hasher.combine(entries.reduce(0) { $0 ^ $1.hashValue })
    }
}

extension LuaTable: CustomStringConvertible {
    public var description: String {
        var parts = array.map(\.description)
        parts += entries.map { "[\($0.key)] = \($0.value)" }
        let prefix = metatableName.map { "<\($0)> " } ?? ""
        return prefix + "{" + parts.joined(separator: ", ") + "}"
    }
}
