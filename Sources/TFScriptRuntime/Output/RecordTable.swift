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
/// Cells are one line each: strings as they are (control, bidi and invisible characters escaped: `\n`, `\u{9b}`), nested values
/// as compact JSON, a missing field empty; a cell (and a column's heading) longer than
/// ``maxCellWidth`` is cut with `...`, so a line is at most about `42 × columns` characters
/// whatever the values hold. Rendering is bounded (``render(bound:write:)``).
public struct RecordTable: Sendable {
    /// Columns shown when none are chosen, in this order, where the records have them.
    /// (Templates get their id and flavour, so two templates that differ only in those do not
    /// look like duplicate rows; endpoints their ready replicas.)
    public static let preferredColumns = [
        "name", "endpoint_id", "id", "template_id", "region", "state", "enabled", "model_name", "flavor_name", "gpu_type",
        "gpu_count", "ready_replicas",
    ]
    /// Nested fields shown after ``preferredColumns`` when the records have them (an
    /// endpoint's scaling).
    static let preferredNestedColumns = ["scaling.min_replicas", "scaling.max_replicas"]
    /// The longest cell, in characters; longer ones end in `...`.
    public static let maxCellWidth = 40
    /// Columns picked from the records' own fields when none of ``preferredColumns`` is there.
    static let maxDefaultColumns = 8

    /// The columns, in order.
    public let columns: [String]
    /// The columns' headings (`--columns NAME:path`); nil: the column paths themselves.
    public var headings: [String]?
    /// The longest cell, in characters (``maxCellWidth`` unless changed): `-o wide` lifts it
    /// so ids stay whole and copyable. A table is still bounded by its render's byte cap.
    public var cellWidth: Int = RecordTable.maxCellWidth
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
    /// to show and no columns were chosen. Unbounded: for tables the host built; a table
    /// of a script's values goes through ``render(bound:write:)``.
    public var text: String {
        var result = ""
        _ = render(bound: .unbounded) { result += $0 }
        return result
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
        if !preferred.isEmpty {
            let nested = preferredNestedColumns.filter { path in
                let steps = path.split(separator: ".").map(String.init)
                return records.contains { $0[steps[0]]?.objectValue?[steps[1]] != nil }
            }
            return preferred + nested
        }
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
