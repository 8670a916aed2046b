import Foundation
import TFScriptJSON

/// stderr of a `--log-format json` run, parsed line by line: every line must be one JSON
/// object, so this throws on the first line that is not.
struct StderrRecords {
    struct NotJSON: Error, CustomStringConvertible {
        var line: String
        var description: String { "stderr line is not a JSON object: \(line)" }
    }

    let records: [JSONValue]

    init(_ stderr: String) throws {
        records = try stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stderr.hasSuffix("\n") ? 1 : 0).map { line in
            guard let value = try? JSONValue(parsing: String(line)), case .object = value else { throw NotJSON(line: String(line)) }
            return value
        }
    }

    /// The records of one event (`run.end`, `plan`, `log`...).
    func events(_ name: String) -> [JSONValue] {
        records.filter { $0["event"]?.stringValue == name }
    }

    /// The one `run.end` record, which must be the last line.
    var summary: JSONValue? {
        records.last.flatMap { $0["event"]?.stringValue == "run.end" ? $0 : nil }
    }
}
