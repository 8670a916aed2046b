public import JSON
public import Foundation
import Synchronization

/// An append-only record of every mutation actually sent (`--journal FILE`): one JSON object
/// per line, so cron jobs leave an audit trail that `jq` can read.
///
/// Lines are written with O_APPEND in one `write` each, so concurrent writers (parallel
/// API calls, or two runs sharing a journal) never interleave within a line. The journal
/// receives request bodies and results only, never headers, so the token cannot reach it.
public final class Journal: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32>

    /// Opens (creating if needed) the journal for appending.
    public init(path: String) throws(JournalError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw JournalError(message: "cannot open journal \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { fd in _ = close(fd) }
    }

    /// What happened to one mutation.
    public enum Outcome: Sendable {
        case succeeded(result: JSONValue?)
        case failed(status: Int?, message: String)
    }

    /// Appends one line: time, operation, endpoint id, request body and outcome.
    public func record(operation: PlanOperation.Kind, id: String?, body: JSONValue?, outcome: Outcome, time: Date = Date()) throws(JournalError) {
        var entry: [String: JSONValue] = [
            "time": .string(Plan.timestampFormatter.string(from: time)),
            "operation": .string(operation.rawValue),
        ]
        entry["id"] = id.map(JSONValue.string)
        entry["body"] = body
        switch outcome {
        case .succeeded(let result):
            entry["result"] = .string("ok")
            if let resultID = result.flatMap(EndpointIdentity.id(of:)) { entry["id"] = .string(resultID) }
            if let status = result?["status"] ?? result?["state"] { entry["endpoint_status"] = status }
        case .failed(let status, let message):
            entry["result"] = .string("error")
            entry["http_status"] = status.map { .integer(Int64($0)) }
            entry["error"] = .string(message)
        }
        var line = JSONValue.object(entry).serializedBytes()
        line.append(0x0A)
        let written = descriptor.withLock { fd in
            line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
        guard written == line.count else {
            throw JournalError(message: "cannot append to journal \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// The journal could not be opened or written; the run stops rather than lose the audit trail.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
