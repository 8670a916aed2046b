import Foundation
import ArgumentParser

/// `-o/--output json|table|none` and `--columns`: print what the main chunk returns, for
/// one-liners and other tools (`tfscript run -o json -e 'return tf.endpoints.list()' | jq`).
struct ResultOptions: ParsableArguments {
    /// How the main chunk's return values are printed on stdout after the script's own output.
    enum Format: String, CaseIterable, ExpressibleByArgument, Sendable {
        /// One JSON document: a single value as itself, several as an array, none as `null`.
        case json
        /// An aligned table of an array of records.
        case table
        /// Nothing (the default): only what the script prints.
        case none
    }

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "Print what the script returns: json (one document: one value as itself, several as an array, none as null), table (an array of records as aligned columns) or none.",
        valueName: "format"))
    var format: Format?

    @Option(name: .customLong("columns"), help: ArgumentHelp(
        "With -o table: the columns, in order, comma-separated; dotted paths reach nested fields (name,region,scaling.max_replicas).",
        valueName: "list"))
    var columnList: String?

    /// `--columns` as field paths; nil when not given.
    /// The format given, else the command's default (`run`: none; `endpoints list`: table).
    func format(default fallback: Format) -> Format { format ?? fallback }

    var columns: [String]? {
        columnList.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    func validate() throws {
        guard let columns else { return }
        if let format, format != .table { throw ValidationError("--columns chooses the columns of -o table; add -o table") }
        if columns.contains(where: \.isEmpty) {
            throw ValidationError("--columns expects field names separated by commas (name,region,scaling.max_replicas), got '\(columnList ?? "")'")
        }
    }
}
