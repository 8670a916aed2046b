import TFScriptLibEdit
import Foundation
import TFScriptLuaHost

/// Reads lines on a terminal through libedit: editing, history (saved after every line,
/// bounded to ``HistoryFile/maxEntries``) and tab completion.
///
/// libedit's readline API keeps global state and calls back through C function pointers, so
/// there is one reader per process, used on the Lua thread only: completion reads the Lua
/// state directly, on that same thread. Input goes through our own `getc`, which also watches
/// the Ctrl-C pipe: Ctrl-C at the prompt ends the line and the reader reports `.interrupted`.
final class EditLineReader: LineReader {
    private let historyPath: String?
    private let interrupts: ReplInterrupts
    private let complete: (String) -> [String]
    private var interrupted = false

    init(historyPath: String?, interrupts: ReplInterrupts, complete: @escaping (String) -> [String]) {
        self.historyPath = historyPath
        self.interrupts = interrupts
        self.complete = complete
        Self.configureLocale()
        activeReader = self
        tfs_rl_set_name("tfscript")
        tfs_rl_set_catch_signals(0)
        tfs_rl_set_getc(editLineGetc)
        tfs_rl_set_completer(editLineComplete)
        using_history()
        stifle_history(Int32(HistoryFile.maxEntries))
        if let historyPath { _ = read_history(historyPath) }
    }

    /// libedit treats bytes as characters of the C locale unless LC_CTYPE says UTF-8.
    private static func configureLocale() {
        if let name = setlocale(LC_CTYPE, ""), String(cString: name).uppercased().contains("UTF") { return }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }

    func read(prompt: String) -> LineInput {
        interrupted = false
        guard let pointer = readline(prompt) else {
            if interrupted { return .interrupted }
            _ = Foundation.write(1, "\n", 1) // end the prompt's line, as shells do on Ctrl-D
            return .end
        }
        defer { free(pointer) }
        if interrupted { return .interrupted }
        let line = String(cString: pointer)
        if !line.allSatisfy(\.isWhitespace) {
            add_history(line)
            if let historyPath { _ = write_history(historyPath) }
        }
        return .line(line)
    }

    /// One character for libedit: a Unicode code point decoded from stdin's UTF-8, `\n` after
    /// Ctrl-C (with `interrupted` set), or -1 at end of input.
    fileprivate func nextCharacter() -> Int32 {
        guard let first = readByte() else { return -1 }
        guard first >= 0x80 else { return Int32(first) }
        let extra = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : 1
        var scalar = Int32(first) & (0x3F >> extra)
        for _ in 0..<extra {
            guard let next = readByte() else { return -1 }
            scalar = scalar << 6 | Int32(next & 0x3F)
        }
        return scalar
    }

    private func readByte() -> UInt8? {
        while true {
            var fds = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                pollfd(fd: interrupts.promptWakeDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if fds[1].revents != 0 {
                interrupts.drainPromptWake()
                interrupted = true
                return 0x0A
            }
            var byte: UInt8 = 0
            let count = Foundation.read(0, &byte, 1)
            if count < 0, errno == EINTR { continue }
            return count == 1 ? byte : nil
        }
    }

    /// The readline-style match array for `text`: [replacement, match..., NULL], malloc'd
    /// (libedit frees it).
    fileprivate func matches(for text: String) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        tfs_rl_completion_over()
        let candidates = complete(text)
        guard !candidates.isEmpty else { return nil }
        let entries = candidates.count == 1 ? candidates : [ReplCompletion.commonPrefix(candidates)] + candidates
        let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))!
        let result = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { result[i] = strdup(entry) }
        result[entries.count] = nil
        return result
    }
}

/// The one reader libedit's C callbacks reach; set and used on the Lua thread only.
nonisolated(unsafe) private var activeReader: EditLineReader?

private let editLineGetc: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
    activeReader?.nextCharacter() ?? -1
}

private let editLineComplete: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    guard let text else { return nil }
    return activeReader?.matches(for: String(cString: text))
}
