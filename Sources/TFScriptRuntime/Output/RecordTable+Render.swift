public import TFScriptJSON
import TFScriptLuaHost

extension RecordTable {
    /// How a bounded rendering ended.
    public enum Rendering: Sendable, Equatable {
        /// Every line was written.
        case complete
        /// The next line would have gone past `bound.maxBytes`; lines before it were written.
        case cut
        /// `bound.shouldStop` answered true (a deadline, an interrupt); some lines may be written.
        case stopped
    }

    /// Writes the table line by line (each ending in a newline) through `write`, never past
    /// `bound.maxBytes` bytes, asking `bound.shouldStop` at every cell and key lookup.
    ///
    /// Time and memory are linear in the records and columns shown: the widest cell is
    /// ``maxCellWidth`` characters, headings included; a cell's nested value is serialized only
    /// as far as the cell shows; a column path is split once; and a key longer than any key
    /// the records hold is a miss without being hashed. Nothing but one line is held at a
    /// time, so a table of a script's values costs the script's output cap, not host memory.
    /// For `-o table` and `tf.show` alike: the caller supplies the cap and the stop question.
    public func render(bound: RenderBound, write: (String) -> Void) -> Rendering {
        guard !columns.isEmpty else {
            let empty = "(no rows)\n"
            guard empty.utf8.count <= bound.maxBytes else { return .cut }
            write(empty)
            return .complete
        }
        // Never wider than the whole output may be: a "wide" cell is still bounded work.
        let width = max(4, min(cellWidth, bound.maxBytes, Int.max / 8))
        var lookup = CellLookup(columns: columns, records: records, width: width)
        let headings = (self.headings ?? columns).map { Self.clipped(.string($0), width: width) }
        var widths = headings.map(\.count)
        for record in records {
            for column in columns.indices {
                guard let text = lookup.cell(record, column, bound: bound) else { return .stopped }
                widths[column] = max(widths[column], text.count)
            }
        }
        var room = bound.maxBytes
        func emit(_ line: String) -> Bool {
            let size = line.utf8.count
            guard size <= room else { return false }
            room -= size
            write(line)
            return true
        }
        guard emit(Self.line(headings, widths: widths)),
              emit(Self.line(widths.map { String(repeating: "-", count: $0) }, widths: widths))
        else { return .cut }
        var row: [String] = []
        row.reserveCapacity(columns.count)
        for record in records {
            row.removeAll(keepingCapacity: true)
            for column in columns.indices {
                guard let text = lookup.cell(record, column, bound: bound) else { return .stopped }
                row.append(text)
            }
            guard emit(Self.line(row, widths: widths)) else { return .cut }
        }
        return .complete
    }

    private static func line(_ texts: [String], widths: [Int]) -> String {
        var joined = ""
        for (column, text) in texts.enumerated() {
            if column > 0 { joined += "  " }
            joined += text
            if column < texts.count - 1 { joined += String(repeating: " ", count: widths[column] - text.count) }
        }
        while joined.last == " " { joined.removeLast() }
        return joined + "\n"
    }

    /// A value as one cell: at most ``maxCellWidth`` characters (cut with `...`), control,
    /// bidi and invisible characters (C1 too: U+009B is a CSI to a terminal) escaped as
    /// ``DisplayText`` shows them. Work is bounded by the width, not by the value's size.
    static func clipped(_ value: JSONValue?, width: Int = maxCellWidth, shouldStop: ((Int) -> Bool)? = nil) -> String {
        let shown: Substring
        switch value {
        case nil: return ""
        case .string(let string)?: shown = string.prefix(width + 1)
        case .some(let other):
            // A character is at most a few bytes of UTF-8; this many bytes hold more characters
            // than a cell shows (escapes only make the text longer).
            let (cap, overflow) = Swift.min(width, Int.max / 8).addingReportingOverflow(1).partialValue.multipliedReportingOverflow(by: 4)
            shown = String(decoding: other.serializedPrefix(maxBytes: overflow ? Int.max : cap, shouldStop: shouldStop), as: UTF8.self)
                .prefix(width + 1)
        }
        var text = DisplayText.escapingControlCharacters(String(shown))
        if text.count > width { text = String(text.prefix(width - 3)) + "..." }
        return text
    }

    static func cell(_ value: JSONValue?) -> String { clipped(value) }

    /// Finds the value at each column's path in a record, with the paths split once and
    /// keys longer than any the records hold refused without hashing them.
    struct CellLookup {
        let columns: [String]
        let steps: [[String]]
        /// The longest cell, in characters.
        let width: Int
        /// The longest key (in UTF-8 bytes) of any object in the records, at any depth.
        let longestKey: Int

        init(columns: [String], records: [[String: JSONValue]], width: Int) {
            self.columns = columns
            self.width = width
            steps = columns.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
            var longest = 0
            var pending: [JSONValue] = records.map { .object($0) }
            while let value = pending.popLast() {
                switch value {
                case .object(let members):
                    for (key, member) in members {
                        longest = max(longest, key.utf8.count)
                        if case .object = member { pending.append(member) } else if case .array = member { pending.append(member) }
                    }
                case .array(let elements):
                    for element in elements {
                        switch element {
                        case .object, .array: pending.append(element)
                        default: break
                        }
                    }
                default: break
                }
            }
            longestKey = longest
        }

        /// The cell's text; nil when `bound.shouldStop` asked to stop.
        mutating func cell(_ record: [String: JSONValue], _ column: Int, bound: RenderBound) -> String? {
            if bound.shouldStop(1) { return nil }
            let path = columns[column]
            if path.utf8.count <= longestKey, let direct = record[path] {
                return RecordTable.clipped(direct, width: width, shouldStop: bound.shouldStop)
            }
            var current: JSONValue? = .object(record)
            for step in steps[column] {
                guard case .object(let members)? = current, step.utf8.count <= longestKey else { return "" }
                if bound.shouldStop(1 + step.utf8.count >> 6) { return nil }
                current = members[step]
            }
            return RecordTable.clipped(current, width: width, shouldStop: bound.shouldStop)
        }
    }
}
