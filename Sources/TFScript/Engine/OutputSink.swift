import Synchronization
internal import TFScriptLuaHost

/// Where a run's `print` output goes when the embedder streams it instead of capturing it.
///
/// Called on the run's Lua thread, once per `print`, with the bytes that passed the output cap
/// (``ScriptOptions/maxOutput``); keep it quick (it blocks the script) and thread-safe (runs in
/// parallel call it from their own threads). The library itself never writes to the process's
/// stdout: the `tfscript` CLI passes a sink that does.
public struct OutputSink: Sendable {
    let write: @Sendable (UnsafeRawBufferPointer) -> Void

    /// A sink receiving raw bytes (Lua strings may hold any bytes, not only UTF-8).
    public init(_ write: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.write = write
    }

    /// A sink receiving each write as text (invalid UTF-8 is replaced with U+FFFD).
    public static func text(_ handler: @escaping @Sendable (String) -> Void) -> OutputSink {
        OutputSink { bytes in handler(String(decoding: bytes, as: UTF8.self)) }
    }

    var luaSink: LuaOutputSink { LuaOutputSink(write) }
}

/// Collects a run's output for ``ScriptResult/output``; bounded by the run's output cap.
final class OutputCapture: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    var sink: LuaOutputSink {
        LuaOutputSink { [self] buffer in bytes.withLock { $0.append(contentsOf: buffer) } }
    }

    /// Everything captured so far as text (invalid UTF-8 replaced), emptying the buffer.
    func take() -> String {
        bytes.withLock { captured in
            defer { captured = [] }
            return String(decoding: captured, as: UTF8.self)
        }
    }
}
