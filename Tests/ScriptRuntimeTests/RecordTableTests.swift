import TFScriptJSON
import TFScriptRuntime
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

    @Test("dotted columns reach nested fields; a missing field is an empty cell; nested values are compact JSON")
    func nested() throws {
        let table = try RecordTable(Self.rows, columns: ["scaling.max_replicas", "nope", "scaling"])
        let lines = table.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "scaling.max_replicas  nope  scaling")
        #expect(lines[2] == #"6                           {"max_replicas":6,"min_replicas":2}"#)
    }

    @Test("without columns the usual endpoint fields are picked, in their usual order")
    func defaultColumns() throws {
        let table = try RecordTable(Self.rows)
        #expect(table.columns == ["name", "region", "enabled"])
        let other = try RecordTable([["b": 1, "a": "x", "nested": ["k": 1]]])
        #expect(other.columns == ["a", "b"])
    }

    @Test("one record is a one-row table; an empty array with no columns says so")
    func shapes() throws {
        #expect(try RecordTable(["name": "solo"]).text == "name\n----\nsolo\n")
        #expect(try RecordTable([]).text == "(no rows)\n")
        #expect(try RecordTable([], columns: ["name"]).text == "name\n----\n")
    }

    @Test("long cells are cut at 40 characters; control characters become spaces")
    func cells() throws {
        let long = String(repeating: "x", count: 50)
        let text = try RecordTable([["v": .string(long)], ["v": "a\tb\nc"]], columns: ["v"]).text
        #expect(text.contains(String(repeating: "x", count: 37) + "...\n"))
        #expect(text.contains("a b c\n"))
    }

    @Test("what is not an array of records is refused with a reason", arguments: [
        (JSONValue.string("x"), "expected an array of records (tables with named fields), got a string"),
        (JSONValue.array([["a": 1], 5]), "item 2 is a number, not a record (a table with named fields)"),
    ])
    func refused(value: JSONValue, message: String) {
        #expect(throws: RecordTable.LayoutError.self) { try RecordTable(value) }
        do { _ = try RecordTable(value) } catch { #expect(error.message == message) }
    }
}
