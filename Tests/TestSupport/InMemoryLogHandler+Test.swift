public import InMemoryLogging
public import Logging

/// Tests read what a library logged through swift-log's own `InMemoryLogHandler`; these two
/// helpers only spell the common set-up (a trace-level logger) and one line per record.
extension InMemoryLogHandler {
    /// A logger at trace level whose records this handler keeps.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in self }
        logger.logLevel = .trace
        return logger
    }

    /// Each record as `LEVEL MESSAGE METADATA`, for substring checks.
    public var lines: [String] {
        entries.map { "\($0.level) \($0.message) \($0.metadata)" }
    }
}
