public import TFScriptLuaHost

/// An error raised to Lua by a `tf` function: a table with `kind`, `status`, `message`,
/// `method`, `path`, `retryable` (and `where`, added by the trampoline) and a `__tostring`,
/// so scripts can `pcall` and branch on `err.status` while `print(err)` still reads well.
public struct ScriptError: LuaErrorConvertible, Sendable, CustomStringConvertible {
    /// The error table's metatable name; the runner recognises uncaught API errors by it.
    public static let metatableName = "tf.error"

    public struct Kind: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The server answered with an error status.
        public static let api = Kind(rawValue: "api")
        /// No usable answer: connection, timeout, malformed body.
        public static let transport = Kind(rawValue: "transport")
        /// Bad arguments; nothing was sent.
        public static let validation = Kind(rawValue: "validation")
        /// `tf.endpoints.wait` ran out of time.
        public static let timeout = Kind(rawValue: "timeout")
        /// A limit of the run (memory) was reached by host work done for the script.
        public static let limit = Kind(rawValue: "limit")
        /// The run cannot reach the API at all (no token): a usage problem, exit code 2.
        public static let configuration = Kind(rawValue: "configuration")
        /// A guardrail (`--max-changes`, `--protect`) refused a change before it was sent:
        /// the run ends with exit code 7, even if the script caught the error.
        public static let guardrail = Kind(rawValue: "guardrail")
    }

    public var kind: Kind
    public var message: String
    public var status: Int?
    public var method: String?
    public var path: String?
    public var retryable: Bool
    /// True when a dry run found the refusal and sent nothing (`err.dry_run` in Lua); kind and
    /// status are what the live run would get, so a script branches the same way.
    public var foundInDryRun = false

    public init(kind: Kind, message: String, status: Int? = nil, method: String? = nil, path: String? = nil, retryable: Bool = false) {
        self.kind = kind
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.retryable = retryable
    }

    /// A validation error naming the function and argument: `tf.endpoints.get: id must be a string, got nil`.
    public static func validation(_ function: String, _ problem: String) -> ScriptError {
        ScriptError(kind: .validation, message: "\(function): \(problem)")
    }

    public var description: String { message }

    public var luaErrorValue: LuaValue {
        var fields: [String: LuaValue] = [
            "kind": .string(LuaString(kind.rawValue)),
            "message": .string(LuaString(message)),
            "retryable": .boolean(retryable),
        ]
        if let status { fields["status"] = .integer(Int64(status)) }
        if let method { fields["method"] = .string(LuaString(method)) }
        if let path { fields["path"] = .string(LuaString(path)) }
        if foundInDryRun { fields["dry_run"] = .boolean(true) }
        return .table(LuaTable(fields: fields, metatableName: Self.metatableName))
    }

    /// `__tostring` for error tables: `where` (when the trampoline added it) then the message.
    static func render(_ table: LuaTable) -> String {
        let message = table["message"].stringValue ?? "tf error"
        guard var position = table["where"].stringValue else { return message }
        while let last = position.last, last == " " || last == ":" { position.removeLast() }
        return position.isEmpty ? message : "\(position): \(message)"
    }

    /// The exit code for an uncaught error value (DESIGN.md §4): 4 for API and transport
    /// failures, 2 for a missing configuration, nil for anything else (a script error).
    public static func exitCode(forUncaught value: LuaValue) -> Int32? {
        guard let table = value.tableValue, table.metatableName == metatableName else { return nil }
        switch table["kind"].stringValue {
        case Kind.api.rawValue, Kind.transport.rawValue: return 4
        case Kind.configuration.rawValue: return 2
        case Kind.guardrail.rawValue: return 7
        default: return nil
        }
    }
}
