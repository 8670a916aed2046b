internal import TFScriptLuaShims

/// Where a state's `print` writes: the bytes that passed the output cap, once per write.
///
/// Called on the state's thread while the script waits, so it should be quick. A state
/// without a sink discards output: LuaHost never writes to the process's stdout (the CLI
/// passes a sink that does).
public struct LuaOutputSink: Sendable {
    let write: @Sendable (UnsafeRawBufferPointer) -> Void

    /// A sink calling `write` with each write's bytes (valid only during the call).
    public init(_ write: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.write = write
    }
}

/// Keeps a sink alive for as long as its state (the C side holds it unretained).
final class OutputSinkBox {
    let sink: LuaOutputSink
    init(_ sink: LuaOutputSink) { self.sink = sink }
}

/// The C side's way into a Swift sink. Never raises.
let luaOutputDispatch: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int) -> Void = { context, bytes, count in
    guard let context, let bytes, count > 0 else { return }
    let box = Unmanaged<OutputSinkBox>.fromOpaque(context).takeUnretainedValue()
    box.sink.write(UnsafeRawBufferPointer(start: bytes, count: count))
}
