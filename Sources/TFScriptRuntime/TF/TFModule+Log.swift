import Logging
import Synchronization
import TFScriptLuaHost

extension TFModule {
    /// `tf.log.debug/info/warn/error(format, ...)`: `string.format` runs in Lua (it is Lua's
    /// formatter, with Lua's rules), the record goes to swift-log, which writes to stderr.
    ///
    /// Records count against a cap of the run's output size (`--max-output`; `print` has its
    /// own) by what a record costs once written (``writtenSize(of:)``: escaped, as the log
    /// handlers write it) plus ``logRecordOverhead`` for the timestamp, level and logger
    /// fields, so neither control characters nor empty messages can write past the cap.
    /// Past the cap, one warning says the log was truncated and later records are dropped, so a
    /// runaway loop cannot fill a disk through journald or cron mail.
    static let logParts: [LuaHostLibrary.Part] = [
        .global(logWriterGlobal) { call in try serving(call).writeLog(call) },
        .chunk(logPrelude, name: "=tf.log"),
    ]

    private func writeLog(_ call: LuaHostCall) throws -> [LuaValue] {
        guard case .string(let level) = try call.argument(1), case .string(let message) = try call.argument(2) else {
            return []
        }
        let text = message.lossyString
        let logger = context.logger
        switch logBudget.spend(Self.writtenSize(of: text) + Self.logRecordOverhead) {
        case .dropped: return []
        case .exhausted:
            logger.warning("tf.log output truncated (--max-output reached); later records are dropped")
            return []
        case .written: break
        }
        switch level.lossyString {
        case "debug": logger.debug("\(text)")
        case "info": logger.info("\(text)")
        case "warn": logger.warning("\(text)")
        default: logger.error("\(text)")
        }
        return []
    }

    static let logWriterGlobal = "__tfscript_log_write"

    /// The most bytes a message takes once a log handler writes it: control characters
    /// escaped for a text line (`\u{1b}`, up to 8 bytes for one character) and, for a JSON line,
    /// quotes and backslashes escaped too. Invalid UTF-8 is already replaced (3 bytes a byte).
    static func writtenSize(of text: String) -> Int {
        var quoted = 0
        for byte in text.utf8 where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted += 1 }
        return DisplayText.escapedByteCount(text) + quoted
    }

    /// What a text or JSON log line adds to its message (time, level, logger, separators).
    static let logRecordOverhead = 80

    /// Builds `tf.log` from the hidden writer and removes the writer from the globals.
    /// Formatting errors are raised at the script's line (`error(..., 2)`).
    static let logPrelude = """
        local write = \(logWriterGlobal)
        \(logWriterGlobal) = nil
        local format, select, tostring, pcall, error = string.format, select, tostring, pcall, error
        local log = {}
        for _, level in ipairs({"debug", "info", "warn", "error"}) do
          log[level] = function(fmt, ...)
            local message
            if select("#", ...) == 0 then
              message = tostring(fmt)
            else
              local ok, result = pcall(format, fmt, ...)
              if not ok then error("tf.log." .. level .. ": " .. tostring(result), 2) end
              message = result
            end
            write(level, message)
          end
        end
        tf.log = log
        """
}

/// What `tf.log` may still write in one run: the run's output cap (`--max-output`), spent by
/// each record's written size; past it, one warning, then nothing.
final class LogBudget: Sendable {
    enum Outcome { case written, exhausted, dropped }
    private let state: Mutex<(remaining: Int, truncated: Bool)>

    init(bytes: Int) { state = Mutex((bytes, false)) }

    /// Starts again with `bytes` (a module made for its run learns the cap when installed).
    func reset(to bytes: Int) { state.withLock { $0 = (bytes, false) } }

    /// Spends `bytes` for a record: `.written` when it fits, `.exhausted` for the first that
    /// does not (the caller warns once), `.dropped` after.
    func spend(_ bytes: Int) -> Outcome {
        state.withLock { state in
            if state.truncated { return .dropped }
            state.remaining -= bytes
            guard state.remaining >= 0 else {
                state.truncated = true
                return .exhausted
            }
            return .written
        }
    }
}
