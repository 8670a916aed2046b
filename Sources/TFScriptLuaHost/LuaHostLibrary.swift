/// Host functions, metatables, values and host Lua code to install into many states alike:
/// made once, then installed into each state (``LuaState/install(_:)``) without making a Swift
/// object per function.
///
/// Why: a module registered per state makes a closure, a box and a dictionary entry for each of
/// its functions, then sorts and releases them; for the `tf` module that was most of the cost of
/// building a state (issue 21). A library's functions are made once and serve every state they
/// are installed in, so they must not capture anything of one run: they find the run through
/// the calling state (``LuaHostCall/state``, ``LuaState/hostContext``).
///
/// Parts are installed in order, so host Lua code (``Part/chunk(_:name:)``) can keep local
/// references to the functions of the parts before it.
public final class LuaHostLibrary: Sendable {
    /// A library function: serves every state, so it may not capture one run's data.
    public typealias Function = @Sendable (LuaHostCall) throws -> [LuaValue]

    /// One step of installing a library.
    public struct Part: Sendable {
        enum Kind: Sendable {
            case module([String], functions: HostFunctionTable, values: [(String, LuaValue)])
            case metatable(String, functions: HostFunctionTable, values: [(String, LuaValue)])
            case global(String, HostFunctionBox)
            case chunk(String, name: String)
            case table([String], size: Int)
        }
        let kind: Kind

        /// Functions and values added to the (nested) global table at `path`, as
        /// ``LuaState/registerModule(_:functions:values:)`` adds them.
        public static func module(_ path: [String], functions: [String: Function] = [:], values: [String: LuaValue] = [:]) -> Part {
            precondition(!path.isEmpty, "a module needs a name")
            return Part(kind: .module(path, functions: boxes(functions), values: sorted(values)))
        }

        /// A metatable registered under `name`, as ``LuaState/registerMetatable(_:functions:values:)``
        /// defines it (locked; no `__gc`, no `__concat`).
        public static func metatable(_ name: String, functions: [String: Function] = [:], values: [String: LuaValue] = [:]) -> Part {
            LuaState.checkHostMetatable(functions: functions.keys, values: values.keys)
            return Part(kind: .metatable(name, functions: boxes(functions), values: sorted(values)))
        }

        /// A global function, set rawly.
        public static func global(_ name: String, _ function: @escaping Function) -> Part {
            Part(kind: .global(name, HostFunctionBox(body: function)))
        }

        /// The (nested) global table at `path`, made with room for `size` fields when missing,
        /// so that parts adding to it later do not grow it step by step.
        public static func table(_ path: [String], size: Int) -> Part {
            precondition(!path.isEmpty, "a module needs a name")
            return Part(kind: .table(path, size: size))
        }

        /// Host Lua code run once per state (compiled once per process; see ``LuaState/run(_:chunkName:arguments:)``).
        public static func chunk(_ source: String, name: String) -> Part {
            Part(kind: .chunk(source, name: name))
        }

        private static func boxes(_ functions: [String: Function]) -> HostFunctionTable {
            HostFunctionTable(functions.sorted { $0.key < $1.key }.map { ($0.key, HostFunctionBox(body: $0.value)) })
        }

        private static func sorted(_ values: [String: LuaValue]) -> [(String, LuaValue)] {
            values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    let parts: [Part]

    /// A library of `parts`, installed in this order.
    public init(_ parts: [Part]) {
        self.parts = parts
    }
}

extension LuaState {
    /// Installs `library` into this state: its parts in order. The state keeps the library
    /// while it lives.
    public func install(_ library: LuaHostLibrary) throws {
        libraries.append(library)
        for part in library.parts {
            switch part.kind {
            case .module(let path, let functions, let values):
                try addToModule(path, functions: functions, values: values)
            case .metatable(let name, let functions, let values):
                try defineMetatable(name, functions: functions, values: values)
            case .global(let name, let function):
                try setGlobal(name, box: function)
            case .table(let path, let size):
                try withModuleTable(path, creating: true, sizeHint: size) { _ in }
            case .chunk(let source, let name):
                try runHostChunk(source, chunkName: name)
            }
        }
    }
}
