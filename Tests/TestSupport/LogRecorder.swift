public import Logging
import Synchronization

/// Keeps every log record in memory so tests can assert on what a library logged.
public final class LogRecorder: Sendable {
    private let storage = Mutex<[String]>([])

    /// Each record as one line: level, message and metadata.
    public var lines: [String] { storage.withLock { $0 } }

    public init() {}

    public func append(_ line: String) { storage.withLock { $0.append(line) } }

    public func logger() -> Logger {
        var logger = Logger(label: "test") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }
}

public struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        recorder.append("\(event.level) \(event.message) \(merged)")
    }
}
