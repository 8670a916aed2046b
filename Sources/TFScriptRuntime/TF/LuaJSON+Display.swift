import TFScriptJSON
import TFScriptLuaHost

extension LuaJSON {
    /// A Lua value as JSON for showing it (``RecordTable``), never failing: what JSON cannot
    /// hold is shown rather than refused. A table with array items only is an array; any other
    /// table an object (keys as text: `1`, `true`); functions and coroutines read as their type
    /// name, `tf.json.null` as null, invalid UTF-8 with replacement characters. The value is
    /// already a copy (cycles and depth were refused when it was read from Lua).
    static func displayValue(_ value: LuaValue) -> JSONValue {
        switch value {
        case .nil, .lightUserdata(0): return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .integer(number)
        case .number(let number): return number.isFinite ? .number(number) : .string("\(number)")
        case .string(let string): return .string(string.lossyString)
        case .lightUserdata: return .string("userdata")
        case .unrepresentable(let typeName): return .string(typeName)
        case .table(let table):
            if table.entries.isEmpty, !table.array.isEmpty || table.metatableName == arrayMarker {
                return .array(table.array.map(displayValue))
            }
            var members: [String: JSONValue] = [:]
            for (index, element) in table.array.enumerated() { members[String(index + 1)] = displayValue(element) }
            for entry in table.entries { members[keyText(entry.key)] = displayValue(entry.value) }
            return .object(members)
        }
    }

    private static func keyText(_ key: LuaValue) -> String {
        switch key {
        case .string(let string): string.lossyString
        case .integer(let number): String(number)
        case .number(let number): "\(number)"
        case .boolean(let flag): String(flag)
        default: key.typeName
        }
    }
}
