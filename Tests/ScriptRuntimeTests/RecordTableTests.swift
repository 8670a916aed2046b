import TFScriptJSON
import TFScriptRuntime
import TestSupport
import Testing

/// The one table layout (`tf.show`, `:table`, `run -o table`).
struct RecordTableTests {
    static let rows: JSONValue = [
        ["name": "prod-chat", "region": "eu-north1", "scaling": ["min_replicas": 2, "max_replicas": 6], "enabled": true],
        ["name": "test", "region": "eu-west1", "scaling": ["min_replicas": 0, "max_replicas": 1], "enabled": false],
    ]

    @Test("columns are aligned two spaces apart under a header and a rule; trailing spaces are trimmed")
    func layout() throws {
        let table = try RecordTable(Self.rows, columns: ["name", "region"])
        #expect(table.text == """
            name       region
            ---------  ---------
            prod-chat  eu-north1
            test       eu-west1

            """)
    }

    @Test("headings can differ from the column paths; a wide table cuts no cell")
    func headingsAndWide() throws {
        let long = String(repeating: "x", count: 60)
        var table = try RecordTable([["name": .string(long), "scaling": ["min_replicas": 0]]], columns: ["name", "scaling.min_replicas"])
        table.headings = ["NAME", "MIN"]
        #expect(table.text.hasPrefix("NAME"))
        #expect(table.text.contains(String(repeating: "x", count: 37) + "..."))
        table.cellWidth = .max
        #expect(table.text.contains(long + "  0\n"))
    }

    @Test("dotted columns reach nested fields; a missing field is an empty cell; nested values are compact JSON")
    func nested() throws {
        let table = try RecordTable(Self.rows, columns: ["scaling.max_replicas", "nope", "scaling"])
        let lines = table.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "scaling.max_replicas  nope  scaling")
        #expect(lines[2] == #"6                           {"max_replicas":6,"min_replicas":2}"#)
    }

    @Test("without columns the usual endpoint fields are picked, in their usual order, then min and max replicas")
    func defaultColumns() throws {
        let table = try RecordTable(Self.rows)
        #expect(table.columns == ["name", "region", "enabled", "scaling.min_replicas", "scaling.max_replicas"])
        let templates = try RecordTable([
            ["template_id": "a-base", "model_name": "a", "flavor_name": "base", "gpu_type": "h100", "gpu_count": 1, "regions": ["eu"]],
            ["template_id": "a-fast", "model_name": "a", "flavor_name": "fast", "gpu_type": "h100", "gpu_count": 1, "regions": ["eu"]],
        ])
        #expect(templates.columns == ["template_id", "model_name", "flavor_name", "gpu_type", "gpu_count"])
        let other = try RecordTable([["b": 1, "a": "x", "nested": ["k": 1]]])
        #expect(other.columns == ["a", "b"])
    }

    @Test("one record is a one-row table; an empty array with no columns says so")
    func shapes() throws {
        #expect(try RecordTable(["name": "solo"]).text == "name\n----\nsolo\n")
        #expect(try RecordTable([]).text == "(no rows)\n")
        #expect(try RecordTable([], columns: ["name"]).text == "name\n----\n")
    }

    @Test("long cells are cut at 40 characters; control characters are shown escaped")
    func cells() throws {
        let long = String(repeating: "x", count: 50)
        let text = try RecordTable([["v": .string(long)], ["v": "a\tb\nc"]], columns: ["v"]).text
        #expect(text.contains(String(repeating: "x", count: 37) + "...\n"))
        #expect(text.contains("a\\tb\\nc\n"))
    }

    @Test("what is not an array of records is refused with a reason", arguments: [
        (JSONValue.string("x"), "expected an array of records (tables with named fields), got a string"),
        (JSONValue.array([["a": 1], 5]), "item 2 is a number, not a record (a table with named fields)"),
    ])
    func refused(value: JSONValue, message: String) {
        #expect(throws: RecordTable.LayoutError.self) { try RecordTable(value) }
        do { _ = try RecordTable(value) } catch { #expect(error.message == message) }
    }

    @Test("a column heading is cut at 40 characters like a cell, so no row is padded to it")
    func longHeading() throws {
        let name = String(repeating: "n", count: 100_000)
        let text = try RecordTable([[name: 1], [name: 22]], columns: [name, "b"]).text
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == Substring(String(repeating: "n", count: 37) + "...  b"))
        #expect(lines.allSatisfy { $0.utf8.count <= 40 + 2 + 1 }, "\(lines.map(\.utf8.count))")
        #expect(lines[3] == "22")
    }

    @Test("a nested value is shown cut without serializing all of it")
    func nestedCut() throws {
        let big = JSONValue.array((0..<200_000).map { .integer(Int64($0)) })
        let text = try RecordTable([["v": big]], columns: ["v"]).text
        #expect(text.hasSuffix("[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,1...\n"))
    }

    @Test("rendering stops before a line that would pass the byte cap, and when asked to stop")
    func bounded() throws {
        let table = try RecordTable(Self.rows, columns: ["name", "region"])
        var written = ""
        #expect(table.render(bound: RenderBound(maxBytes: 60)) { written += $0 } == .cut)
        #expect(written == "name       region\n---------  ---------\nprod-chat  eu-north1\n")
        var asked = 0
        written = ""
        let stopped = table.render(bound: RenderBound(shouldStop: { _ in asked += 1; return asked > 3 })) { written += $0 }
        #expect(stopped == .stopped)
        #expect(written == "")
        #expect(table.render(bound: .unbounded) { _ in } == .complete)
    }
}

/// Table cells hold names and descriptions from scripts and from the server (issue 19, class 1).
struct RecordTableSpoofingTests {
    @Test("a cell or heading never carries a raw control, C1 (the 8-bit CSI), bidi or zero-width character")
    func spoofedCells() throws {
        let rows = JSONValue.array(SpoofingText.strings.map { text -> JSONValue in
            .object(["name": .string(text), text: .string(text), "nested": .object(["d": .string(text)])])
        })
        let table = try RecordTable(rows)
        #expect(SpoofingText.rawControls(in: table.text).isEmpty, "\(table.text.debugDescription)")
        #expect(table.text.contains("c1\\u{9b}2Kcsi\\u{85}nel"))
        #expect(!SpoofingText.hasLine("Plan: 1 to create, 0 to change, 0 to delete.", in: table.text))
    }
}
