public import TFScriptJSON
public import TFScriptLuaHost

/// The one mapping between JSON and Lua values (DESIGN.md §3), used by `tf.json` and by every
/// API result and request body, so a value read from the API encodes back exactly as it came.
///
/// - JSON `null` is the light userdata NULL (`tf.json.null`), never a missing key.
/// - Decoded arrays and objects carry marker metatables (`tf.json.array`, `tf.json.object`)
///   so `[]` and `{}` stay distinct.
/// - Integers stay Lua integers; floats stay floats.
public enum LuaJSON {
    public static let arrayMarker = "tf.json.array"
    public static let objectMarker = "tf.json.object"
    public static let null = LuaValue.lightUserdata(0)

    // MARK: JSON → Lua

    public static func luaValue(_ json: JSONValue) -> LuaValue {
        switch json {
        case .null: return null
        case .bool(let flag): return .boolean(flag)
        case .integer(let number): return .integer(number)
        case .number(let number): return .number(number)
        case .string(let string): return .string(LuaString(string))
        case .array(let elements):
            return .table(LuaTable(array: elements.map(luaValue), metatableName: arrayMarker))
        case .object(let members):
            var entries: [LuaTable.Entry] = []
            entries.reserveCapacity(members.count)
            for (key, value) in members {
                entries.append(LuaTable.Entry(key: .string(LuaString(key)), value: luaValue(value)))
            }
            return .table(LuaTable(entries: entries, metatableName: objectMarker))
        }
    }

    // MARK: Lua → JSON

    /// Why a Lua value has no JSON form; `path` says where (`spec.scaling[2]`).
    public struct EncodingError: Error, Sendable {
        public var path: String
        public var problem: String
    }

    /// Converts a Lua value, refusing what JSON cannot say faithfully. `path` names the
    /// argument in messages (`fields`, `value`).
    public static func jsonValue(_ value: LuaValue, path: String) throws(EncodingError) -> JSONValue {
        var trail = Trail(root: path)
        return try jsonValue(value, trail: &trail)
    }

    /// Where the converter is, as components; the text (`spec.scaling[2]`) is built only for
    /// an error, so converting a large or deep value costs no string work per element.
    struct Trail {
        enum Step { case index(Int), key(String) }
        let root: String
        var steps: [Step] = []

        init(root: String) { self.root = root }

        /// The path as text, bounded (a script chooses its keys' length and its nesting): a key
        /// is shown up to ``maxKeyShown`` characters, the path up to ``maxPathShown``.
        var text: String {
            var result = root
            for step in steps {
                if result.utf8.count > Self.maxPathShown { return result + "…" }
                switch step {
                case .index(let i): result += "[\(i)]"
                case .key(let k):
                    let shown = k.utf8.count > Self.maxKeyShown ? String(k.prefix(Self.maxKeyShown)) + "…" : k
                    result += result.isEmpty ? shown : ".\(shown)"
                }
            }
            return result
        }

        static let maxKeyShown = 64
        static let maxPathShown = 1024

        func error(_ problem: String) -> EncodingError { EncodingError(path: text, problem: problem) }
    }

    private static func jsonValue(_ value: LuaValue, trail: inout Trail) throws(EncodingError) -> JSONValue {
        switch value {
        case .nil:
            return .null
        case .lightUserdata(0):
            return .null
        case .boolean(let flag):
            return .bool(flag)
        case .integer(let number):
            return .integer(number)
        case .number(let number):
            guard number.isFinite else {
                let name = number.isNaN ? "NaN" : (number > 0 ? "infinity" : "-infinity")
                throw trail.error("is \(name), which JSON cannot represent")
            }
            return .number(number)
        case .string(let string):
            guard let text = string.string else {
                throw trail.error("is not valid UTF-8 text")
            }
            return .string(text)
        case .table(let table):
            return try jsonValue(table, trail: &trail)
        case .lightUserdata:
            throw trail.error("is a userdata, which has no JSON form")
        case .unrepresentable(let typeName):
            throw trail.error("is a \(typeName), which has no JSON form")
        }
    }

    private static func jsonValue(_ table: LuaTable, trail: inout Trail) throws(EncodingError) -> JSONValue {
        let wantsArray = table.metatableName == arrayMarker
        if table.entries.isEmpty && (wantsArray || !table.array.isEmpty) {
            var elements: [JSONValue] = []
            elements.reserveCapacity(table.array.count)
            for (index, element) in table.array.enumerated() {
                trail.steps.append(.index(index + 1))
                elements.append(try jsonValue(element, trail: &trail))
                trail.steps.removeLast()
            }
            return .array(elements)
        }
        if table.entries.contains(where: { if case .integer = $0.key { return true } else { return false } }) {
            throw trail.error("is a sparse array (holes or keys beyond its length), which JSON cannot represent")
        }
        if !table.array.isEmpty {
            throw trail.error(
                wantsArray
                    ? "is marked as an array but has non-sequence keys"
                    : "mixes array items and named keys, which JSON cannot represent")
        }
        if wantsArray {
            throw trail.error("is marked as an array but has non-sequence keys")
        }
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(table.entries.count)
        for entry in table.entries {
            switch entry.key {
            case .string(let key):
                guard let name = key.string else {
                    throw trail.error("has a key that is not valid UTF-8")
                }
                trail.steps.append(.key(name))
                members[name] = try jsonValue(entry.value, trail: &trail)
                trail.steps.removeLast()
            case .integer:
                throw trail.error("is a sparse array (holes or keys beyond its length), which JSON cannot represent")
            default:
                throw trail.error("has a \(entry.key.typeName) key; JSON object keys are strings")
            }
        }
        return .object(members)
    }
}
