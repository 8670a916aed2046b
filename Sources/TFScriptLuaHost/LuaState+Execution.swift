internal import TFScriptLuaShims
internal import TFScriptCLua

extension LuaState {
    /// Compiles Lua source (text only; binary chunks are refused) into a callable function.
    ///
    /// `chunkName` follows Lua: `@script.lua` makes messages say `script.lua:LINE:`.
    public func load(_ source: [UInt8], chunkName: String) throws(LuaError) -> LuaFunctionReference {
        let stack = try pushChunk { L in
            source.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { return tfs_load_text(L, base, chars.count, chunkName) }
                    return tfs_load_text(L, "", 0, chunkName)
                }
            }
        }
        return LuaFunctionReference(popping: stack)
    }

    /// Runs one of the C loaders (`load(L)` pushes the compiled chunk, or its error) with room
    /// on the stack; returns the stack with the function on top, or throws the error with the
    /// stack as it was. The steps every load shares (a script's text, host code, host bytecode).
    func pushChunk(_ load: (OpaquePointer) -> Int32) throws(LuaError) -> LuaStack {
        let stack = LuaStack(L: L, state: self)
        let base = stack.top
        guard lua_checkstack(L, 4) != 0 else { throw LuaError(kind: .runtime, message: "Lua stack overflow") }
        let status = load(L)
        guard status == LUA_OK else {
            defer { lua_settop(L, base) }
            throw relaxed { error(from: stack, status: status) }
        }
        return stack
    }

    /// Runs host Lua code (a module's prelude) on the main thread; returns its results.
    ///
    /// For the host's own code, never a script's: the chunk is compiled once per process and
    /// later states load its bytecode (``HostChunkCache``), because every run installs the
    /// same preludes and compiling them was a third of a small run's cost (issue 21).
    @discardableResult
    public func run(_ source: String, chunkName: String = "=(host)", arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        try loadHostChunk(source, chunkName: chunkName).call(arguments)
    }
}

extension LuaState {
    /// The main thread's hook mask (`LUA_MASK*`), so tests can show that no hook runs until a
    /// script can own a metatable, and that the concat guard's call hook stays after a reset.
    var mainHookMaskForTests: Int32 { lua_gethookmask(L) }

    /// A real binary chunk (made by `string.dump` in a separate, unsandboxed state), so tests
    /// can prove `load` refuses it.
    func binaryChunkForTests(_ source: String) -> [UInt8] {
        relaxed {
            tfs_push_binary_chunk(L, source)
            defer { tfs_pop(L, 1) }
            guard case .string(let s) = (try? LuaStack(L: L, state: self).value(at: -1)) ?? .nil else { return [] }
            return s.bytes
        }
    }
}
