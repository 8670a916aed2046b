internal import TFScriptLuaShims

extension LuaState {
    /// Writes `text` to the state's output sink as `print` would, counted against the same
    /// output cap (``LuaStateConfiguration/maxOutputBytes``); for host functions that print.
    public func writeOutput(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return }
                tfs_output_write(L, base, chars.count)
            }
        }
    }
}
