import TFScriptJSON
import TFScriptLuaHost

extension TFModule {
    /// `tf.show(rows [, columns])`: prints records as an aligned table (``RecordTable``) on the
    /// script's output, counted against the output cap like `print`, and stopped by the
    /// script's limits like Lua code (``LuaHostWork``).
    static let showParts: [LuaHostLibrary.Part] = [
        .module(["tf"], functions: ["show": { call in try serving(call).show(call) }]),
    ]

    private func show(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.show"
        guard call.typeName(of: 1) == "table" else {
            throw ScriptError.validation(
                function, "rows must be a table (an array of records, e.g. tf.endpoints.list()), got \(Arguments.describe(call, 1))")
        }
        let columns = try Self.columns(call, 2, function: function)
        let rows: LuaValue
        do {
            rows = try call.argument(1)
        } catch let error as LuaValueError {
            throw ScriptError.validation(function, "rows cannot be read: \(error.message)")
        }
        let table: RecordTable
        do throws(RecordTable.LayoutError) {
            table = try RecordTable(LuaJSON.displayValue(rows), columns: columns)
        } catch {
            throw ScriptError.validation(function, "rows: \(error.message)")
        }
        // Written line by line as it is rendered, so the output cap (not host memory) bounds
        // it; rendering stops at a limit (deadline, interrupt) or once the output is cut.
        let state = call.state
        let work = state.hostWork()
        let bound = RenderBound(shouldStop: { steps in work.shouldStop(after: steps) || state.outputWasTruncated })
        if table.render(bound: bound, write: { state.writeOutput($0) }) == .stopped {
            try work.check()
        }
        return []
    }

    /// `{"name", "scaling.max_replicas"}`: an array of field names or dotted paths; nil when absent.
    private static func columns(_ call: LuaHostCall, _ n: Int, function: String) throws -> [String]? {
        if n > call.argumentCount || call.typeName(of: n) == "nil" { return nil }
        let problem = "columns must be an array of field names like {\"name\", \"scaling.max_replicas\"}"
        guard call.typeName(of: n) == "table",
              case .table(let table) = try call.argument(n), table.entries.isEmpty, !table.array.isEmpty
        else { throw ScriptError.validation(function, "\(problem), got \(Arguments.describe(call, n))") }
        return try table.array.enumerated().map { index, value in
            guard let name = value.stringValue, !name.isEmpty else {
                throw ScriptError.validation(function, "\(problem); columns[\(index + 1)] is \(value.typeName == "string" ? "empty" : "a \(value.typeName)")")
            }
            return name
        }
    }
}
