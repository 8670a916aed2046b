import Foundation
import ArgumentParser

/// `-o/--output json|jsonl|table|wide|none`, `--columns` and `--compact`: print what the main
/// chunk returns (or a built-in command's result), for people and for other tools
/// (`tfscript run -o json -e 'return tf.endpoints.list()' | jq`).
struct ResultOptions: ParsableArguments {
    /// How the result is printed on stdout, after the script's own output.
    enum Format: String, CaseIterable, ExpressibleByArgument, Sendable {
        /// One JSON document: a single value as itself, several as an array, none as `null`.
        case json
        /// One compact JSON value per line: each element of a returned array, else each value.
        case jsonl
        /// An aligned table of an array of records, cells cut at 40 characters.
        case table
        /// The table with no cell cut (ids stay whole, to copy).
        case wide
        /// Nothing: only what the script prints (`run`'s default).
        case none

        var isTable: Bool { self == .table || self == .wide }
    }

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "Print the result: json (one document: one value as itself, several as an array, none as null), jsonl (one compact JSON value per line: each element of an array), table (records as aligned columns, cells cut at 40 characters), wide (the table, nothing cut) or none.",
        valueName: "format"))
    var format: Format?

    @Option(name: .customLong("columns"), help: ArgumentHelp(
        "With a table: the columns, in order, comma-separated; dotted paths reach nested fields, HEADING:path renames one (name,MIN:scaling.min_replicas).",
        valueName: "list"))
    var columnList: String?

    @Flag(name: .customLong("compact"), help: "-o json on one line (the default when stdout is not a terminal, so >> log stays one record per line).")
    var compact = false

    /// The format given, else the command's default (`run`: none; `endpoints list`: table).
    func format(default fallback: Format) -> Format { format ?? fallback }

    /// `--columns` as (heading, field path) pairs; nil when not given.
    var columns: [(heading: String, path: String)]? {
        columnList.map { list in
            list.split(separator: ",", omittingEmptySubsequences: false).map { item in
                let text = item.trimmingCharacters(in: .whitespaces)
                guard let colon = text.firstIndex(of: ":") else { return (text, text) }
                return (String(text[..<colon]).trimmingCharacters(in: .whitespaces),
                        String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
        }
    }

    func validate() throws {
        guard let columns else { return }
        if let format, !format.isTable { throw ValidationError("--columns chooses the columns of a table; add -o table or -o wide") }
        if columns.contains(where: { $0.heading.isEmpty || $0.path.isEmpty }) {
            throw ValidationError("--columns expects field paths separated by commas, each optionally HEADING:path (name,MIN:scaling.min_replicas), got '\(columnList ?? "")'")
        }
    }
}
