public import TFScriptJSON
public import Foundation
import Synchronization

/// A write-ahead record of every mutation (`--journal FILE`), one JSON object per line
/// (format: docs/journal.md).
///
/// Before a mutation is sent, an `intent` line (run id, sequence number, operation, target,
/// body) is written and fsync'd; when the call ends, an `outcome` line with the same `run` and
/// `seq` says `ok`, `failed` (the server refused it) or `unknown` (no answer came: the change
/// may have been applied). A crash between the two leaves an intent without an outcome, which
/// means the same as `unknown`. So the journal never hides a change the server received.
///
/// Lines are written with O_APPEND in one `write` each, so concurrent writers (tf.parallel, or
/// two runs sharing a journal) never interleave within a line. The file is created 0600 and an
/// existing one is tightened to 0600 (through the open descriptor); a symlink or anything but a
/// regular file is refused, so the journal never writes to or chmods a file it was pointed at. Only bodies and results that already went through the
/// client's token redactor reach it, never headers.
public final class Journal: Sendable {
    public let path: String
    /// Identifies this run's lines among those of other runs appending to the same file.
    public let runID: String
    /// Problems that do not stop the run (an existing journal whose mode could not be fixed).
    public let warnings: [String]
    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var sequence: Int
        /// Intents written without an outcome yet, by sequence number.
        var open: [Int: (operation: PlanOperation.Kind, target: String?)] = [:]
        /// Set by ``seal(reason:)``: nothing more is written.
        var sealed = false
    }

    /// Opens (creating if needed, mode 0600) the journal for appending.
    public init(path: String, runID: String = UUID().uuidString.lowercased()) throws(JournalError) {
        // O_NOFOLLOW: a journal reached through a symlink would append to (and tighten the mode
        // of) whatever file the link names. O_NONBLOCK: a FIFO must not hang the open; anything
        // but a regular file is refused after it.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw JournalError(message: "journal \(path) is a symbolic link; tfscript never writes a journal through one. Give the journal's real path")
            }
            if code == ENXIO {
                throw JournalError(message: "journal \(path) is not a regular file; give --journal the path of a file (it is created if missing)")
            }
            throw JournalError(message: "cannot open journal \(path): \(String(cString: strerror(code))). Check the folder exists and is writable")
        }
        var warnings: [String] = []
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw JournalError(message: "journal \(path) is not a regular file; give --journal the path of a file (it is created if missing)")
        }
        _ = fcntl(fd, F_SETFL, O_APPEND)
        if info.st_mode & 0o077 != 0 {
            if fchmod(fd, 0o600) != 0 {
                warnings.append("journal \(path) is readable by other users (mode 0\(String(info.st_mode & 0o777, radix: 8))) and its mode could not be changed: \(String(cString: strerror(errno))). Run: chmod 600 \(path)")
            }
        }
        self.path = path
        self.runID = runID
        self.warnings = warnings
        self.state = Mutex(State(descriptor: fd, sequence: 0))
    }

    deinit {
        state.withLock { state in _ = close(state.descriptor) }
    }

    /// What happened to one mutation.
    public enum Outcome: Sendable {
        /// The API confirmed it. `note` explains an unusual success (a retried delete found 404).
        case ok(result: JSONValue?, note: String? = nil)
        /// The API answered that it did not apply it.
        case failed(status: Int?, message: String)
        /// No answer came (timeout, lost connection, cancellation): it may have been applied.
        case unknown(message: String)
    }

    /// Where an intent comes from in a plan, so `apply --journal` can resume that plan.
    public struct PlanReference: Sendable {
        /// ``Plan/fingerprint`` of the plan being applied.
        public var fingerprint: String
        /// 1-based index of the operation in the plan.
        public var index: Int
        public init(fingerprint: String, index: Int) {
            self.fingerprint = fingerprint
            self.index = index
        }
    }

    /// Writes and fsyncs the `intent` line; call before sending. Returns its sequence number.
    /// - Parameters:
    ///   - name: the endpoint's name, when known (a create's from its body).
    ///   - before: the values the change replaces (a patch's fields as last read), when known.
    public func recordIntent(
        operation: PlanOperation.Kind, target: String?, body: JSONValue?, plan: PlanReference? = nil,
        name: String? = nil, before: JSONValue? = nil, time: Date = Date()
    ) throws(JournalError) -> Int {
        try append { state in
            state.sequence += 1
            let sequence = state.sequence
            state.open[sequence] = (operation, target)
            var entry = header(phase: "intent", sequence: sequence, operation: operation, target: target, time: time)
            entry["body"] = body
            entry["name"] = name.map(JSONValue.string)
            entry["before"] = before
            if let plan {
                entry["plan"] = .string(plan.fingerprint)
                entry["plan_operation"] = .integer(Int64(plan.index))
            }
            return entry
        }
    }

    /// Writes and fsyncs the `outcome` line of intent `sequence`.
    public func recordOutcome(
        sequence: Int, operation: PlanOperation.Kind, target: String?, outcome: Outcome, attempts: Int, time: Date = Date()
    ) throws(JournalError) {
        try append { state in
            state.open[sequence] = nil
            var entry = header(phase: "outcome", sequence: sequence, operation: operation, target: target, time: time)
            entry["attempts"] = .integer(Int64(attempts))
            switch outcome {
            case .ok(let result, let note):
                entry["outcome"] = "ok"
                entry["result"] = result
                if let resultID = result.flatMap(EndpointIdentity.id(of:)) { entry["id"] = .string(resultID) }
                if let status = result?["status"] ?? result?["state"] { entry["endpoint_status"] = status }
                entry["note"] = note.map(JSONValue.string)
            case .failed(let status, let message):
                entry["outcome"] = "failed"
                entry["http_status"] = status.map { .integer(Int64($0)) }
                entry["error"] = .string(message)
            case .unknown(let message):
                entry["outcome"] = "unknown"
                entry["error"] = .string(message)
            }
            return entry
        }
    }

    private func header(phase: String, sequence: Int, operation: PlanOperation.Kind, target: String?, time: Date) -> [String: JSONValue] {
        var entry: [String: JSONValue] = [
            "run": .string(runID),
            "seq": .integer(Int64(sequence)),
            "phase": .string(phase),
            "time": .string(Plan.timestampFormatter.string(from: time)),
            "operation": .string(operation.rawValue),
        ]
        entry["target"] = target.map(JSONValue.string)
        return entry
    }

    /// Builds a line under the lock (so sequence numbers follow file order), writes it in one
    /// `write` and fsyncs before returning.
    @discardableResult
    private func append(_ build: (inout State) -> [String: JSONValue]) throws(JournalError) -> Int {
        let result: Result<Int, JournalError> = state.withLock { state in
            guard !state.sealed else {
                return .failure(JournalError(message: "journal \(path) is closed: the run is ending; nothing more is sent"))
            }
            var line = JSONValue.object(build(&state)).serializedBytes()
            line.append(0x0A)
            let written = line.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                return .failure(JournalError(message: "cannot append to journal \(path): \(String(cString: strerror(errno))); stopping rather than send a change that is not recorded"))
            }
            guard fsync(state.descriptor) == 0 else {
                return .failure(JournalError(message: "cannot flush journal \(path) to disk (fsync): \(String(cString: strerror(errno))); stopping rather than send a change that is not recorded"))
            }
            return .success(state.sequence)
        }
        return try result.get()
    }

    /// Ends the journal for a process that must exit now (a second signal, the CLI's
    /// watchdog): waits for a line being written to finish, writes an `unknown` outcome for
    /// every intent still open (its answer will never be read: the change may have been
    /// applied), fsyncs, and refuses every later line, so the file stays consistent however
    /// abruptly the process then ends. Returns how many intents it closed.
    @discardableResult
    public func seal(reason: String) -> Int {
        state.withLock { state in
            guard !state.sealed else { return 0 }
            let open = state.open.sorted { $0.key < $1.key }
            for (sequence, intent) in open {
                var entry = header(phase: "outcome", sequence: sequence, operation: intent.operation, target: intent.target, time: Date())
                entry["outcome"] = "unknown"
                entry["error"] = .string("no answer: \(reason); the change may have been applied")
                var line = JSONValue.object(entry).serializedBytes()
                line.append(0x0A)
                _ = line.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) }
            }
            _ = fsync(state.descriptor)
            state.open.removeAll()
            state.sealed = true
            return open.count
        }
    }
}

/// The journal could not be opened or written; the run stops rather than lose the audit trail.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
