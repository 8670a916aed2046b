/// A Lua value copied out of (or into) a state, so data can cross the boundary without
/// references into the Lua heap.
///
/// Integers and floats stay distinct both ways (`3` is `.integer(3)`, `3.0` is `.number(3.0)`),
/// strings are byte strings (Lua strings may hold any bytes), and tables keep their array part,
/// their other keys and the name of their metatable, so JSON markers and error objects survive
/// a round trip. Functions, full userdata and coroutines cannot be copied and read as
/// ``unrepresentable(typeName:)``.
public enum LuaValue: Sendable, Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(LuaString)
    case table(LuaTable)
    /// A light userdata's address; `.lightUserdata(0)` is NULL, usable as a JSON `null` sentinel.
    case lightUserdata(UInt)
    /// A value with no Swift copy (function, userdata, thread); pushing it pushes `nil`.
    case unrepresentable(typeName: String)

    /// The Lua type name, as `type(v)` would say it.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .lightUserdata: "userdata"
        case .unrepresentable(let name): name
        }
    }

    /// The string as text when this is a string holding valid UTF-8.
    public var stringValue: String? {
        if case .string(let s) = self { return s.string }
        return nil
    }

    /// The integer when this is an integer, or a float with an exact integer value (as
    /// `math.tointeger` would convert it).
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): i
        case .number(let d): Int64(exactly: d)
        default: nil
        }
    }

    /// The number as a Double, for integers and floats.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// The boolean when this is a boolean.
    public var boolValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    /// The table when this is a table.
    public var tableValue: LuaTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// Looks up a string key in a table value (nil for non-tables), for terse tests and checks.
    public subscript(key: String) -> LuaValue {
        tableValue?[.string(LuaString(key))] ?? .nil
    }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(LuaString(value)) }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (LuaValue, LuaValue)...) {
        self = .table(LuaTable(entries: elements.map { LuaTable.Entry(key: $0.0, value: $0.1) }))
    }
}

extension LuaValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .nil: "nil"
        case .boolean(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .number(let d): String(d)
        case .string(let s): String(reflecting: s.string ?? "<\(s.bytes.count) bytes>")
        case .table(let t): t.description
        case .lightUserdata(let a): "userdata(0x\(String(a, radix: 16)))"
        case .unrepresentable(let name): "<\(name)>"
        }
    }
}
