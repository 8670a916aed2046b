import TFScriptJSON
import TokenFactory
import TFScriptRuntime
import Foundation
import TFScript
import TFScriptLuaHost

/// Prints what the main chunk returned, as `-o json` or `-o table` asks, after the script's
/// own output: a whole document or nothing, so `| jq` never sees half of one.
///
/// The rendering is work done for the script, so it obeys the script's limits: the text may
/// take at most what is left of `--max-output` after the script's own output, and rendering
/// stops at the run's `--timeout` or a signal. Past either nothing is printed and the command
/// ends with exit 3, like any limit.
struct ResultPrinter {
    var options: ResultOptions
    /// Without `-o`: `run` prints nothing more; `endpoints list` prints a table.
    var defaultFormat: ResultOptions.Format = .none
    /// Without `--columns`: the columns of a built-in command's table, with their headings
    /// (nil: picked from the records).
    var defaultColumns: [(heading: String, path: String)]?
    /// `-o json` indented for people: on a terminal, unless `--compact`. Piped, one line.
    var prettyJSON = true

    /// What rendering may use: bytes left of the output cap, and when to give up.
    struct Limits {
        /// Bytes left of `--max-output` (nil: no cap).
        var bytesLeft: Int?
        /// The run's `--timeout` as a deadline (nil: none), and its length for messages.
        var deadline: ContinuousClock.Instant?
        var timeout: Duration?
        /// Whether a signal asked the command to stop.
        var interrupted: @Sendable () -> Bool = { false }
    }

    /// The text to print, or nil for `-o none`.
    /// - Throws: ``CommandFailure``: exit 1 when the values cannot be shown that way, exit 3
    ///   when showing them would pass the output cap, the timeout or a signal.
    func text(for result: ScriptResult, limits: Limits = Limits()) throws -> String? {
        var checks = 0
        var stoppedBy: String?
        let bound = RenderBound(maxBytes: limits.bytesLeft ?? .max) { steps in
            checks += steps
            guard checks >= 4096 else { return false }
            checks = 0
            if limits.interrupted() { stoppedBy = "interrupted"; return true }
            if let deadline = limits.deadline, ContinuousClock.now >= deadline {
                stoppedBy = "timeout of \(LimitSyntax.formatDuration(limits.timeout ?? .zero)) exceeded"
                return true
            }
            return false
        }
        func overLimit(_ format: String) -> CommandFailure {
            if let stoppedBy {
                return CommandFailure(exitCode: 3, message: "\(stoppedBy) while printing the result (-o \(format)); nothing was printed")
            }
            let left = LimitSyntax.formatBytes(limits.bytesLeft ?? 0)
            return CommandFailure(
                exitCode: 3,
                message: "-o \(format): the result is larger than the \(left) left of --max-output after the script's own output; "
                    + "nothing was printed (raise --max-output, or return less)")
        }
        let format = options.format(default: defaultFormat)
        switch format {
        case .none:
            return nil
        case .json:
            if let problem = result.valueProblems.first { throw failure("json", "\(problem); return tables, strings, numbers and booleans only") }
            let document: JSONValue = switch result.values.count {
            case 0: .null
            case 1: result.values[0]
            default: .array(result.values)
            }
            // One byte of the cap is kept for the newline.
            var jsonBound = bound
            jsonBound.maxBytes = max(0, bound.maxBytes == .max ? .max : bound.maxBytes - 1)
            guard let bytes = document.serializedBytes(pretty: prettyJSON && !options.compact, bound: jsonBound) else { throw overLimit("json") }
            return String(decoding: bytes, as: UTF8.self) + "\n"
        case .jsonl:
            if let problem = result.valueProblems.first { throw failure("jsonl", "\(problem); return tables, strings, numbers and booleans only") }
            let lines: [JSONValue] = result.values.count == 1 ? (result.values[0].arrayValue ?? result.values) : result.values
            var text = ""
            var room = bound
            for line in lines {
                guard let bytes = line.serializedBytes(pretty: false, bound: room), bytes.count < room.maxBytes else { throw overLimit("jsonl") }
                if room.maxBytes != .max { room.maxBytes -= bytes.count + 1 }
                text += String(decoding: bytes, as: UTF8.self) + "\n"
            }
            return text
        case .table, .wide:
            let name = format.rawValue
            guard result.values.count == 1 else {
                throw failure(name, result.values.isEmpty
                    ? "the script returned nothing; end it with a return of records (return tf.endpoints.list())"
                    : "the script returned \(result.values.count) values; -o \(name) shows one array of records")
            }
            if let problem = result.valueProblems.first { throw failure(name, problem) }
            let chosen = options.columns
            var table: RecordTable
            do {
                table = try RecordTable(result.values[0], columns: (chosen ?? defaultColumns)?.map(\.path))
            } catch {
                throw failure(name, "the script's result: \(error.message)")
            }
            if let chosen, let unknown = Self.unknownColumn(chosen.map(\.path), in: result.values[0]) {
                throw CommandFailure(exitCode: 2, message: "--columns: no record has the field \(unknown) (check its spelling; dotted paths reach nested fields)")
            }
            if let headings = (chosen ?? defaultColumns)?.map(\.heading) { table.headings = headings }
            if format == .wide { table.cellWidth = .max }
            var text = ""
            guard table.render(bound: bound, write: { text += $0 }) == .complete else { throw overLimit(name) }
            return text
        }
    }

    /// The first of `paths` that no record of `value` (an array of records, or one) holds, nil
    /// when each is found in some record; nil for no records (nothing to check against).
    static func unknownColumn(_ paths: [String], in value: JSONValue) -> String? {
        let records = value.arrayValue ?? [value]
        guard !records.isEmpty else { return nil }
        return paths.first { path in
            let steps = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            return !records.contains { record in
                var current: JSONValue? = record
                for step in steps { current = current?.objectValue?[step] }
                return current != nil
            }
        }
    }

    private func failure(_ format: String, _ message: String) -> CommandFailure {
        CommandFailure(exitCode: 1, message: "-o \(format): \(message)")
    }
}
