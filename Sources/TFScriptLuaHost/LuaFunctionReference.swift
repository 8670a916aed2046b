internal import TFScriptLuaShims
internal import TFScriptCLua

/// A Lua function kept alive in the registry so the host can call it later (callbacks).
///
/// Confined to the state's thread like the state itself; releasing it frees the reference.
public final class LuaFunctionReference {
    let reference: Int32
    let state: LuaState

    /// Takes the function on top of `stack` into the registry (pops it).
    init(popping stack: LuaStack) {
        state = stack.state
        reference = state.relaxed { luaL_ref(stack.L, tfs_registryindex()) }
    }

    deinit {
        state.relaxed { luaL_unref(state.L, tfs_registryindex(), reference) }
    }

    /// Calls the function on the state's main thread (outside any host call).
    public func call(_ arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        try call(on: LuaStack(L: state.L, state: state), arguments)
    }

    func call(on stack: LuaStack, _ arguments: [LuaValue]) throws(LuaError) -> [LuaValue] {
        let L = stack.L
        let base = stack.top
        do {
            try state.relaxed {
                try stack.ensure(Int32(clamping: arguments.count + 2))
                lua_rawgeti(L, tfs_registryindex(), lua_Integer(reference))
                for value in arguments { try stack.push(value) }
            }
        } catch {
            lua_settop(L, base)
            throw LuaError(kind: .runtime, message: "cannot pass arguments to Lua: \(error)")
        }
        let status = tfs_pcall_traceback(L, Int32(arguments.count), LUA_MULTRET)
        return try state.finishCall(on: stack, status: status, base: base)
    }
}

extension LuaState {
    /// Copies the results (or the error) of a call that started at `base`, then pops them.
    func finishCall(on stack: LuaStack, status: Int32, base: Int32) throws(LuaError) -> [LuaValue] {
        let L = stack.L
        defer { lua_settop(L, base) }
        tfs_relax_begin(self.L)
        defer { _ = tfs_relax_end(self.L) }
        // A tripped limit is sticky: even a call that returned normally (no sandbox path should
        // let one) ends as the limit, so no catch inside the script can change how a run ends.
        if status == LUA_OK, let limit = trippedLimit {
            throw LuaError(kind: .limit(limit), message: configuration.message(for: limit))
        }
        if status == LUA_OK {
            do {
                return try (base + 1 ..< stack.top + 1).map { try stack.value(at: $0) }
            } catch {
                // Copying is work for the script: a limit it reached (the deadline, the memory
                // budget, an interrupt) ends the run as that limit, not as an internal error.
                if let limit = trippedLimit {
                    throw LuaError(kind: .limit(limit), message: configuration.message(for: limit))
                }
                throw LuaError(kind: .runtime, message: "cannot copy results from Lua: \(error)")
            }
        }
        throw error(from: stack, status: status)
    }

    /// The error on top of the stack after a failed protected call, as a Swift value.
    func error(from stack: LuaStack, status: Int32) -> LuaError {
        let value = (try? stack.value(at: -1)) ?? .unrepresentable(typeName: "error")
        if let limit = trippedLimit {
            return LuaError(kind: .limit(limit), message: configuration.message(for: limit), value: value)
        }
        if status == LUA_ERRSYNTAX {
            return LuaError(kind: .syntax, message: stack.string(at: -1) ?? "syntax error", value: value)
        }
        guard stack.top >= 1 else { return LuaError(kind: .runtime, message: "unknown error") }
        tfs_push_last_error_text(stack.L)
        let traceback = stack.popString()
        let message = stack.popString()
        return LuaError(kind: status == LUA_ERRERR ? .errorHandling : .runtime, message: message, traceback: traceback, value: value)
    }
}
