import Foundation
public import TFScriptJSON

/// stderr of a `--log-format json` run, parsed line by line: every line must be one JSON
/// object, so this throws on the first line that is not.
public struct StderrRecords {
    public struct NotJSON: Error, CustomStringConvertible {
        public var line: String
        public var description: String { "stderr line is not a JSON object: \(line)" }
    }

    public let records: [JSONValue]

    public init(_ stderr: String) throws {
        records = try stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stderr.hasSuffix("\n") ? 1 : 0).map { line in
            guard let value = try? JSONValue(parsing: String(line)), case .object = value else { throw NotJSON(line: String(line)) }
            return value
        }
    }

    /// The records of one event (`run.end`, `plan`, `log`...).
    public func events(_ name: String) -> [JSONValue] {
        records.filter { $0["event"]?.stringValue == name }
    }

    /// The one `run.end` record, which must be the last line.
    public var summary: JSONValue? {
        records.last.flatMap { $0["event"]?.stringValue == "run.end" ? $0 : nil }
    }
}
