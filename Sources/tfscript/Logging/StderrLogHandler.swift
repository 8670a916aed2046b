import Foundation
import TFScriptJSON
import TFScriptLuaHost
import Logging
import Synchronization

/// Writes log records to stderr, as text for people or as one JSON object per line for cron
/// mail, journald and log shippers (`--log-format json`). stdout stays the script's own.
///
/// Hand-written because swift-log ships only a plain stream handler without a JSON form; the
/// handler is small and each record is a single `write`, so lines never interleave.
struct StderrLogHandler: LogHandler {
    enum Format: String, CaseIterable, Sendable {
        case text, json
    }

    let label: String
    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line: String
        switch format {
        case .text: line = textLine(level: event.level, message: event.message, metadata: merged)
        case .json: line = jsonLine(level: event.level, message: event.message, metadata: merged)
        }
        StandardError.write(line + "\n")
    }

    /// One line, always: control characters in the message and metadata (text a script chose,
    /// via `tf.log`) are escaped, so a script cannot forge a line that looks like tfscript's own.
    private func textLine(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata) -> String {
        var line = "\(Self.timestamp()) [\(level)] \(Self.escaped(message.description))"
        for key in metadata.keys.sorted() {
            line += " \(Self.escaped(key))=\(Self.escaped(metadata[key]!.description))"
        }
        return line
    }

    static func escaped(_ text: String) -> String { DisplayText.escapingControlCharacters(text) }

    private func jsonLine(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata) -> String {
        var object: [String: JSONValue] = [
            "time": .string(Self.timestamp()),
            "level": .string(level.rawValue),
            "message": .string(message.description),
            "logger": .string(label),
            "event": "log",
        ]
        if let runID = Diagnostics.runID { object["run_id"] = .string(runID) }
        for (key, value) in metadata where object[key] == nil {
            object[key] = Self.json(value)
        }
        return JSONValue.object(object).serialized()
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let string): return .string(string)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let members): return .object(members.mapValues(json))
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}

/// stderr as one shared, locked sink, so log lines, progress and plans never interleave.
///
/// On a terminal it may also hold a status line (``setStatus(_:)``, `tf.endpoints.wait`
/// progress): redrawn in place, and kept below whatever else is written meanwhile.
enum StandardError {
    private struct Shared {
        /// The status line shown now (nil for none).
        var status: String?
        /// Set by ``seal()``: nothing more is written.
        var sealed = false
    }

    /// The lock, and what it guards.
    private static let lock = Mutex(Shared())
    private static let clearLine = "\r\u{1B}[K"

    static func write(_ text: String) {
        lock.withLock { shared in
            guard !shared.sealed else { return }
            if shared.status != nil { raw(clearLine) }
            raw(text)
            if let status = shared.status { raw(status) }
        }
    }

    /// Writes `text` as the last thing on stderr (the `run.end` record): whatever a straggling
    /// thread logs afterwards is dropped, so the summary stays the last line.
    static func writeFinal(_ text: String) {
        lock.withLock { shared in
            guard !shared.sealed else { return }
            if shared.status != nil { raw(clearLine) }
            shared.status = nil
            raw(text)
            shared.sealed = true
        }
    }

    /// Shows `line` (no newline) as the status line in place of the last one; nil removes it.
    /// Only for a terminal: the line is redrawn with a carriage return.
    static func setStatus(_ line: String?) {
        lock.withLock { shared in
            guard !shared.sealed else { return }
            if shared.status != nil { raw(clearLine) }
            shared.status = line
            if let line { raw(line) }
        }
    }

    private static func raw(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
