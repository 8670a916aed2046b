import TFScriptJSON
import TFScriptLuaHost

/// Argument checks for `tf` functions. Each failure is a validation error naming the function
/// and the argument, raised before any request is made.
enum Arguments {
    /// An endpoint id: a string, or an endpoint table (anything with `endpoint_id` or `id`,
    /// as `tf.endpoints.list` and `get` return), so scripts can pass `ep` itself.
    static func id(_ call: LuaHostCall, _ n: Int, function: String) throws -> String {
        let value: LuaValue
        do {
            value = try call.argument(n)
        } catch let error as LuaValueError {
            throw ScriptError.validation(function, "id cannot be read: \(error.message)")
        }
        switch value {
        case .string(let bytes):
            if let text = bytes.string, !text.isEmpty { return try bounded(text, function: function) }
        case .table(let table):
            for key in ["endpoint_id", "id"] {
                if case .string(let bytes) = table[key], let text = bytes.string, !text.isEmpty {
                    return try bounded(text, function: function)
                }
            }
            throw ScriptError.validation(
                function, "id must be an endpoint id or an endpoint table, got a table without endpoint_id or id")
        default:
            break
        }
        throw ScriptError.validation(function, "id must be an endpoint id (a non-empty string) or an endpoint table, got \(describe(call, n))")
    }

    /// The longest endpoint id accepted, in bytes. Real ids are a few dozen; an id goes into
    /// URLs, log lines, error messages and the journal, so a script-sized one would make each
    /// of those as large as the script's memory.
    static let maxIDBytes = 1024

    private static func bounded(_ id: String, function: String) throws -> String {
        guard id.utf8.count <= maxIDBytes else {
            throw ScriptError.validation(function, "id is longer than \(maxIDBytes) bytes (\(id.utf8.count)); endpoint ids look like \"ep-...\"")
        }
        return id
    }

    /// The `name` of an endpoint table passed where an id is expected; nil for an id string.
    static func endpointName(_ call: LuaHostCall, _ n: Int) throws -> String? {
        guard call.typeName(of: n) == "table", case .table(let table) = try call.argument(n) else { return nil }
        return table["name"].stringValue
    }

    static func string(_ call: LuaHostCall, _ n: Int, name: String, function: String) throws -> String {
        if case .string(let bytes) = try call.argument(n), let text = bytes.string, !text.isEmpty {
            return text
        }
        throw ScriptError.validation(function, "\(name) must be a non-empty string, got \(describe(call, n))")
    }

    static func number(_ call: LuaHostCall, _ n: Int, name: String, function: String) throws -> Double {
        switch try call.argument(n) {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: throw ScriptError.validation(function, "\(name) must be a number, got \(describe(call, n))")
        }
    }

    /// The longest duration a script may ask for (`tf.sleep`, wait timeouts and intervals):
    /// one year. Numbers from scripts are hostile input: a bound keeps every conversion to a
    /// `Duration` exact, and a longer wait is a bug, not a plan.
    static let maxSeconds: Double = 366 * 24 * 3600

    /// A number of seconds as a `Duration`, range-checked before any conversion
    /// (`tf.sleep(1e300)` is a validation error, never a trap).
    static func duration(_ seconds: Double, allowZero: Bool, name: String, function: String) throws -> Duration {
        let lowest = allowZero ? "≥ 0" : "> 0"
        guard seconds.isFinite, allowZero ? seconds >= 0 : seconds > 0, seconds <= maxSeconds else {
            throw ScriptError.validation(
                function, "\(name) must be a number \(lowest) and at most \(Int(maxSeconds)) (seconds: a year), got \(format(seconds))")
        }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// A script's number as text for messages (`1e+300`, `-3`, `nan`).
    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// Argument `n` as JSON, refusing what JSON cannot hold (functions, cycles, NaN).
    static func json(_ call: LuaHostCall, _ n: Int, name: String, function: String) throws -> JSONValue {
        let value: LuaValue
        do {
            value = try call.argument(n)
        } catch let error as LuaValueError {
            throw ScriptError.validation(function, "\(name) cannot be read: \(error.message)")
        }
        do {
            return try LuaJSON.jsonValue(value, path: name)
        } catch {
            throw ScriptError.validation(function, "\(error.path) \(error.problem)")
        }
    }

    /// A table argument as a JSON object; `nil` when absent and `optional`.
    static func object(_ call: LuaHostCall, _ n: Int, name: String, function: String, optional: Bool = false) throws -> [String: JSONValue]? {
        if optional, n > call.argumentCount || call.typeName(of: n) == "nil" { return nil }
        guard call.typeName(of: n) == "table" else {
            throw ScriptError.validation(function, "\(name) must be a table, got \(describe(call, n))")
        }
        let value = try json(call, n, name: name, function: function)
        if case .array(let elements) = value, elements.isEmpty { return [:] }
        guard let members = value.objectValue else {
            throw ScriptError.validation(function, "\(name) must be a table with named fields, got a list")
        }
        return members
    }

    /// Options tables (`{timeout = 60}`): unknown keys are errors, so typos do not pass silently.
    static func options(_ call: LuaHostCall, _ n: Int, allowed: [String], function: String) throws -> [String: JSONValue] {
        guard let members = try object(call, n, name: "options", function: function, optional: true) else { return [:] }
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw ScriptError.validation(function, "options.\(key) is not an option (use \(allowed.joined(separator: ", ")))")
        }
        return members
    }

    /// `nil`, `a string "x"`, `a table`, for messages.
    static func describe(_ call: LuaHostCall, _ n: Int) -> String {
        let type = call.typeName(of: n)
        if type == "string", case .string(let bytes)? = try? call.argument(n) {
            return bytes.bytes.isEmpty ? "an empty string" : "a string \"\(bytes.lossyString.prefix(40))\""
        }
        return type
    }
}
