internal import TFScriptLuaShims
internal import TFScriptCLua

/// A Swift function callable from Lua: gets the call's arguments, returns results or throws.
///
/// A thrown ``LuaErrorConvertible`` raises its value; any other error raises its text. The
/// error is raised by the C trampoline after this closure has returned, never from Swift.
/// The closure runs on the Lua thread with the memory limit relaxed; the budget is checked
/// when it returns (a breach raises the memory limit error in the script).
public typealias LuaHostFunction = (LuaHostCall) throws -> [LuaValue]

/// A host function as Lua closures point at it (unretained): owned by the state that
/// registered it, or by a ``LuaHostLibrary`` that states hold while they live. It does not know
/// its state: the dispatcher is told which state calls (a library's functions serve many).
final class HostFunctionBox: @unchecked Sendable { // immutable; a library's bodies are @Sendable
    let body: LuaHostFunction
    init(body: @escaping LuaHostFunction) { self.body = body }
}

/// The C trampoline's way back into Swift. Never raises: it returns a status instead.
let luaHostDispatch: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32 = { L, context, host in
    let box = Unmanaged<HostFunctionBox>.fromOpaque(context!).takeUnretainedValue()
    let state = Unmanaged<LuaState>.fromOpaque(host!).takeUnretainedValue()
    let journal = state.resumedHostCall(on: L!)
    let call = LuaHostCall(stack: LuaStack(L: L!, state: state))
    defer { call.held.release(L!) } // arguments' copies are charged until the call returns
    call.passthrough.journal = journal
    let results: [LuaValue]
    do {
        results = try box.body(call)
    } catch let suspension as LuaHostSuspension {
        return call.suspend(suspension)
    } catch {
        return call.pushError(error)
    }
    if let index = call.passthrough.argumentIndex {
        lua_pushvalue(L, index)
        return 1
    }
    let base = call.stack.top
    do {
        try call.stack.ensure(Int32(clamping: results.count + 1))
        for value in results { try call.stack.push(value) }
        return Int32(results.count)
    } catch {
        lua_settop(L, base)
        return call.pushError(error)
    }
}

/// The arguments and context of one call from Lua into a host function.
///
/// Valid only during the call, on the Lua thread; do not store it.
public struct LuaHostCall {
    let stack: LuaStack
    /// What the arguments copied so far cost the budget, given back when the call returns.
    let held = HeldCharge()

    /// The state the function belongs to.
    public var state: LuaState { stack.state }

    /// How many arguments Lua passed (trailing nils count).
    public let argumentCount: Int

    /// Set by ``returnArgument(_:)`` and ``returnDecodedJSON(fromArgument:arrayMetatable:objectMetatable:maxDepth:)``:
    /// the call returns the value at that stack index itself instead of copies.
    let passthrough = Passthrough()

    final class Passthrough {
        var argumentIndex: Int32?
        /// Kept across suspensions of the calling coroutine (LuaHostSuspension.swift).
        var journal: LuaHostCallJournal?
    }

    init(stack: LuaStack) {
        self.stack = stack
        self.argumentCount = Int(lua_gettop(stack.L))
    }

    /// Makes the call return argument `n` itself (the same table, not a copy), ignoring the
    /// closure's returned values; for functions that mark a table and hand it back.
    public func returnArgument(_ n: Int) {
        guard n >= 1, n <= argumentCount else { return }
        passthrough.argumentIndex = Int32(n)
    }

    /// Gives argument `n` (a table) the metatable registered under `name`
    /// (see ``LuaState/registerMetatable(_:functions:values:)``), in place.
    /// Raw registry access only: no metamethod can run.
    /// Decodes argument `n` (a JSON string) straight into Lua values, in C, and makes the call
    /// return the result: no Swift copy of the data is made, which is what makes large API
    /// responses cheap. Arrays and objects get the metatables registered under the given names;
    /// JSON null becomes the NULL light userdata. Returns the reason and byte offset when the
    /// text is not valid JSON (nothing is pushed then).
    public func returnDecodedJSON(
        fromArgument n: Int, arrayMetatable: String, objectMetatable: String, maxDepth: Int = 1000
    ) -> (message: String, offset: Int)? {
        var message = [CChar](repeating: 0, count: 160)
        var offset = 0
        let decoded = tfs_json_decode_push(
            stack.L, Int32(n), arrayMetatable, objectMetatable, Int32(maxDepth), &message, message.count, &offset)
        guard decoded == 1 else {
            return (String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), offset)
        }
        passthrough.argumentIndex = lua_gettop(stack.L)
        return nil
    }

    ///
    /// Returns false, changing nothing, when the table already has a protected metatable
    /// (`__metatable`) that is not one of the host's: the host never replaces what
    /// `setmetatable` itself would refuse to.
    @discardableResult
    public func setMetatable(ofArgument n: Int, named name: String) -> Bool {
        guard n >= 1, n <= argumentCount, lua_type(stack.L, Int32(n)) == LUA_TTABLE else { return false }
        return tfs_set_host_metatable(stack.L, Int32(n), name) != 0
    }

    /// Argument `n` (1-based, like Lua's messages), copied; `.nil` past the end.
    /// Throws for cycles or excess depth in tables. The copy is charged to the script's memory
    /// budget until this call returns (it is the host's working copy of the script's data).
    public func argument(_ n: Int) throws -> LuaValue {
        guard n >= 1, n <= argumentCount else { return .nil }
        return try stack.value(at: Int32(n), held: held)
    }

    /// All arguments, copied.
    public func arguments() throws -> [LuaValue] {
        try (0..<argumentCount).map { try argument($0 + 1) }
    }

    /// Lua's type name of argument `n` (`"no value"` past the end), without copying it.
    public func typeName(of n: Int) -> String {
        guard n >= 1, n <= argumentCount else { return "no value" }
        return String(cString: lua_typename(stack.L, lua_type(stack.L, Int32(n))))
    }

    /// Argument `n` as a callable reference when it is a function (for callbacks).
    public func function(_ n: Int) -> LuaFunctionReference? {
        guard n >= 1, n <= argumentCount, lua_type(stack.L, Int32(n)) == LUA_TFUNCTION else { return nil }
        lua_pushvalue(stack.L, Int32(n))
        return LuaFunctionReference(popping: stack)
    }

    /// Calls a Lua function from inside this host call (on the calling coroutine), under
    /// `lua_pcall` with a traceback handler and the memory limit in force.
    public func call(_ function: LuaFunctionReference, _ arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        try function.call(on: stack, arguments)
    }

    /// `chunk:line` of the Lua code that called this function, or "" (e.g. called from C).
    public var callerPosition: String {
        tfs_push_where(stack.L, 1)
        return stack.popString()
    }

    func pushError(_ error: any Error) -> Int32 {
        let value: LuaValue
        var annotate = true
        if let convertible = error as? any LuaErrorConvertible {
            value = convertible.luaErrorValue
            annotate = convertible.annotatesLocation
        } else {
            value = .string(LuaString(String(describing: error)))
        }
        do {
            try stack.push(value)
        } catch {
            stack.push(string: "host function error could not be converted: \(error)")
        }
        return annotate ? TFS_HOST_ERROR_WHERE : TFS_HOST_ERROR
    }
}

/// Host functions ready to be set as fields of a table from C in one call: their names as C
/// strings and their boxes, made once (a ``LuaHostLibrary``'s) or per registration.
///
/// Why: setting fields one by one from Swift cost a few hundred nanoseconds each, and a state
/// gets ~60 `tf` functions (issue 21).
final class HostFunctionTable: @unchecked Sendable { // immutable after init
    let boxes: [HostFunctionBox]
    private let names: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private let lengths: UnsafeMutablePointer<Int>
    private let contexts: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    /// The functions, set in this order.
    init(_ functions: [(String, HostFunctionBox)]) {
        boxes = functions.map(\.1)
        let count = max(1, functions.count)
        names = .allocate(capacity: count)
        lengths = .allocate(capacity: count)
        contexts = .allocate(capacity: count)
        for (index, (name, box)) in functions.enumerated() {
            let bytes = Array(name.utf8)
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { copy.update(from: base, count: chars.count) }
                }
            }
            names[index] = UnsafePointer(copy)
            lengths[index] = bytes.count
            contexts[index] = Unmanaged.passUnretained(box).toOpaque()
        }
    }

    deinit {
        for index in 0..<boxes.count { names[index].map { UnsafeMutablePointer(mutating: $0).deallocate() } }
        names.deallocate()
        lengths.deallocate()
        contexts.deallocate()
    }

    /// Sets the functions as fields of the table on top of `L`'s stack (relaxed; room for 2).
    func set(on L: OpaquePointer) {
        guard !boxes.isEmpty else { return }
        tfs_set_host_functions(L, names, lengths, contexts, Int32(boxes.count))
    }
}
