import TFScriptJSON
import Testing

struct JSONWritingTests {
    @Test("object keys are written sorted, so plans diff cleanly")
    func sortedKeys() {
        let value: JSONValue = ["b": 1, "a": ["d": true, "c": nil]]
        #expect(value.serialized() == #"{"a":{"c":null,"d":true},"b":1}"#)
    }

    @Test("integers have no .0 and integral floats keep it")
    func numbers() {
        #expect(JSONValue.integer(3).serialized() == "3")
        #expect(JSONValue.number(3).serialized() == "3.0")
        #expect(JSONValue.number(0.1).serialized() == "0.1")
        #expect(JSONValue.integer(Int64.min).serialized() == "-9223372036854775808")
    }

    @Test("floats round-trip exactly through text")
    func floatRoundTrip() throws {
        for number in [0.1, 1.0 / 3.0, 1e300, -2.5e-308, 123456789.125] {
            #expect(try JSONValue(parsing: JSONValue.number(number).serialized()) == .number(number))
        }
    }

    @Test("control characters, quotes and backslashes are escaped")
    func stringEscapes() throws {
        let text = "q\"b\\n\n\u{01}é"
        let written = JSONValue.string(text).serialized()
        #expect(written == #""q\"b\\n\n\u0001é""#)
        #expect(try JSONValue(parsing: written) == .string(text))
    }

    @Test("empty array and empty object stay distinct")
    func emptyContainers() {
        #expect(JSONValue.array([]).serialized() == "[]")
        #expect(JSONValue.object([:]).serialized() == "{}")
    }

    @Test("pretty output indents by two spaces")
    func pretty() {
        let value: JSONValue = ["a": [1, 2], "b": [:]]
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }
}
