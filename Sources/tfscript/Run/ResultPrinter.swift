import TFScript

/// Prints what the main chunk returned, as `-o json` or `-o table` asks, after the script's
/// own output: a whole document or nothing, so `| jq` never sees half of one.
struct ResultPrinter {
    var options: ResultOptions

    /// The text to print, or nil for `-o none`.
    /// - Throws: ``CommandFailure`` (exit 1) when the values cannot be shown that way.
    func text(for result: ScriptResult) throws -> String? {
        switch options.format {
        case .none:
            return nil
        case .json:
            if let problem = result.valueProblems.first { throw failure("json", "\(problem); return tables, strings, numbers and booleans only") }
            let document: JSONValue = switch result.values.count {
            case 0: .null
            case 1: result.values[0]
            default: .array(result.values)
            }
            return document.serialized(pretty: true) + "\n"
        case .table:
            guard result.values.count == 1 else {
                throw failure("table", result.values.isEmpty
                    ? "the script returned nothing; end it with a return of records (return tf.endpoints.list())"
                    : "the script returned \(result.values.count) values; -o table shows one array of records")
            }
            if let problem = result.valueProblems.first { throw failure("table", problem) }
            do {
                return try RecordTable(result.values[0], columns: options.columns).text
            } catch {
                throw failure("table", "the script's result: \(error.message)")
            }
        }
    }

    private func failure(_ format: String, _ message: String) -> CommandFailure {
        CommandFailure(exitCode: 1, message: "-o \(format): \(message)")
    }
}
