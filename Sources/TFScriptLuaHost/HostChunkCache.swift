internal import TFScriptLuaShims
internal import TFScriptCLua
import Synchronization

/// Bytecode of host Lua code (``LuaState/run(_:chunkName:arguments:)``), compiled once per
/// process and loaded into each fresh state.
///
/// Why: every run installs the same preludes (`tf.parallel`'s scheduler, `tf.log`,
/// `tf.endpoints.each`); checking and compiling their source was a third of a small embedded
/// run (issue 21), loading their bytecode is a few microseconds. Isolation is unchanged: a
/// loaded chunk is a new function in the new state, exactly what compiling made; only the
/// immutable bytes are shared. Bytes come only from the host's own source compiled here;
/// scripts' binary chunks stay refused.
///
/// Bounded: at most ``capacity`` distinct chunks are kept (the host has a handful; a host
/// that runs ever-new text through `run` compiles the rest each time, as before).
enum HostChunkCache {
    struct Key: Equatable {
        let source: String
        let chunkName: String
    }

    static let capacity = 64
    /// Few entries, found by name first: comparing a name and then the source (equal strings
    /// are compared bytewise, often by identity) costs less than hashing a whole prelude on
    /// every load.
    private static let chunks = Mutex<[(key: Key, bytes: [UInt8])]>([])

    static func bytecode(for key: Key) -> [UInt8]? {
        chunks.withLock { chunks in
            chunks.first { $0.key.chunkName == key.chunkName && $0.key.source == key.source }?.bytes
        }
    }

    static func keep(_ bytes: [UInt8], for key: Key) {
        chunks.withLock { chunks in
            if chunks.count < capacity, !chunks.contains(where: { $0.key == key }) { chunks.append((key, bytes)) }
        }
    }
}

extension LuaState {
    /// Loads host code: its cached bytecode, or the source (checked and compiled as a
    /// script's would be), whose bytecode is then kept for the next state.
    func loadHostChunk(_ source: String, chunkName: String) throws(LuaError) -> LuaFunctionReference {
        LuaFunctionReference(popping: try pushHostChunk(source, chunkName: chunkName))
    }

    /// Runs host code for its effects (a library's prelude): loaded as ``loadHostChunk(_:chunkName:)``
    /// loads it, called with no arguments and no results, without a reference to the function.
    func runHostChunk(_ source: String, chunkName: String) throws(LuaError) {
        let stack = try pushHostChunk(source, chunkName: chunkName)
        let status = tfs_pcall_traceback(L, 0, 0)
        _ = try finishCall(on: stack, status: status, base: stack.top - (status == LUA_OK ? 0 : 1))
    }

    /// ``loadHostChunk(_:chunkName:)``, leaving the function on the stack.
    private func pushHostChunk(_ source: String, chunkName: String) throws(LuaError) -> LuaStack {
        let key = HostChunkCache.Key(source: source, chunkName: chunkName)
        guard let bytes = HostChunkCache.bytecode(for: key) else {
            var text = source
            let stack = try pushChunk { L in
                text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        if let base = chars.baseAddress { return tfs_load_text(L, base, chars.count, chunkName) }
                        return tfs_load_text(L, "", 0, chunkName)
                    }
                }
            }
            var size = 0
            if let dumped = tfs_dump_function(L, &size) {
                HostChunkCache.keep(Array(UnsafeRawBufferPointer(start: dumped, count: size)), for: key)
                tfs_free_dump(dumped)
            }
            return stack
        }
        return try pushChunk { L in
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    tfs_load_host_binary(L, chars.baseAddress!, chars.count, chunkName)
                }
            }
        }
    }
}
