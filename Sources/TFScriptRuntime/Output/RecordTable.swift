public import TFScriptJSON

/// Records (endpoints, templates, anything with named fields) laid out as an aligned text
/// table: a header, a rule, one line per record.
///
/// The one table layout of tfscript: `tf.show` in scripts and the REPL, the REPL's `:table`
/// and `tfscript run -o table` all use it, so a table looks the same wherever it is printed.
///
/// ```
/// name               region     state
/// -----------------  ---------  -------
/// prod-chat          eu-north1  running
/// ```
///
/// Columns are field names or dotted paths into nested objects (`scaling.max_replicas`).
/// Cells are one line each: strings as they are (control characters as spaces), nested values
/// as compact JSON, a missing field empty; a cell longer than ``maxCellWidth`` is cut with `...`.
public struct RecordTable: Sendable {
    /// Columns shown when none are chosen, in this order, where the records have them.
    public static let preferredColumns = [
        "name", "endpoint_id", "id", "region", "state", "enabled", "model_name", "gpu_type", "gpu_count",
    ]
    /// The longest cell, in characters; longer ones end in `...`.
    public static let maxCellWidth = 40
    /// Columns picked from the records' own fields when none of ``preferredColumns`` is there.
    static let maxDefaultColumns = 8

    /// The columns, in order.
    public let columns: [String]
    /// One record's fields; the value at a column path is looked up when rendering.
    let records: [[String: JSONValue]]

    /// Why a value cannot be laid out as a table; the message reads after the caller's prefix
    /// (`tf.show: `, `-o table: `).
    public struct LayoutError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Lays out `value`: an array of records, or one record (a table with named fields) shown
    /// as a one-row table. `columns` nil picks them (``preferredColumns``, else the records'
    /// plain fields, sorted, at most 8).
    public init(_ value: JSONValue, columns: [String]? = nil) throws(LayoutError) {
        let rows: [JSONValue]
        switch value {
        case .array(let elements): rows = elements
        case .object(let members): rows = members.isEmpty ? [] : [value]
        default:
            throw LayoutError(message: "expected an array of records (tables with named fields), got \(Self.describe(value))")
        }
        var records: [[String: JSONValue]] = []
        records.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            switch row {
            case .object(let members): records.append(members)
            case .array(let elements) where elements.isEmpty: records.append([:])
            default:
                throw LayoutError(message: "item \(index + 1) is \(Self.describe(row)), not a record (a table with named fields)")
            }
        }
        if let columns {
            guard !columns.isEmpty, columns.allSatisfy({ !$0.isEmpty }) else {
                throw LayoutError(message: "columns must name at least one field, and no empty one")
            }
        }
        self.records = records
        self.columns = columns ?? Self.defaultColumns(records)
    }

    /// The table as text, each line ending in a newline; `(no rows)` when there is nothing
    /// to show and no columns were chosen.
    public var text: String {
        guard !columns.isEmpty else { return "(no rows)\n" }
        let cells = records.map { record in columns.map { Self.cell(Self.value(at: $0, in: record)) } }
        var widths = columns.map(\.count)
        for row in cells {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ texts: [String]) -> String {
            var parts: [String] = []
            for (column, text) in texts.enumerated() {
                let padding = column < texts.count - 1 ? String(repeating: " ", count: widths[column] - text.count) : ""
                parts.append(text + padding)
            }
            var joined = parts.joined(separator: "  ")
            while joined.last == " " { joined.removeLast() }
            return joined + "\n"
        }
        var result = line(columns) + line(widths.map { String(repeating: "-", count: $0) })
        for row in cells { result += line(row) }
        return result
    }

    /// The value at a dotted path (`scaling.max_replicas`); nil when any step is missing.
    static func value(at path: String, in record: [String: JSONValue]) -> JSONValue? {
        if let direct = record[path] { return direct }
        var current: JSONValue? = .object(record)
        for step in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = current?[String(step)]
        }
        return current
    }

    static func cell(_ value: JSONValue?) -> String {
        var text: String
        switch value {
        case nil: text = ""
        case .string(let string)?: text = string
        case .some(let other): text = other.serialized()
        }
        text = String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) ? " " : $0 })
        if text.count > maxCellWidth { text = String(text.prefix(maxCellWidth - 3)) + "..." }
        return text
    }

    static func defaultColumns(_ records: [[String: JSONValue]]) -> [String] {
        var plain = Set<String>(), any = Set<String>()
        for record in records {
            for (key, value) in record {
                any.insert(key)
                switch value {
                case .object, .array: break
                default: plain.insert(key)
                }
            }
        }
        let preferred = preferredColumns.filter(plain.contains)
        if !preferred.isEmpty { return preferred }
        return Array((plain.isEmpty ? any : plain).sorted().prefix(maxDefaultColumns))
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "nil (null)"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a table"
        }
    }
}
