import TFScriptJSON
import Testing

struct JSONParsingTests {
    @Test("integers without fraction or exponent stay integers")
    func integersStayIntegers() throws {
        #expect(try JSONValue(parsing: "42") == .integer(42))
        #expect(try JSONValue(parsing: "-0") == .integer(0))
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(Int64.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(Int64.min))
    }

    @Test("a fraction or exponent makes a float, even when integral")
    func floatsStayFloats() throws {
        #expect(try JSONValue(parsing: "1.0") == .number(1.0))
        #expect(try JSONValue(parsing: "1e2") == .number(100))
        #expect(try JSONValue(parsing: "-2.5E-3") == .number(-0.0025))
    }

    @Test("an integer beyond Int64 becomes a float instead of wrapping")
    func hugeIntegerBecomesFloat() throws {
        #expect(try JSONValue(parsing: "9223372036854775808") == .number(9_223_372_036_854_775_808.0))
    }

    @Test("nested documents keep every member, including null")
    func nestedDocument() throws {
        let value = try JSONValue(parsing: #"{"a":[1,2.5,"x",true,null,{}],"b":{"c":[]}}"#)
        #expect(value == ["a": [1, 2.5, "x", true, nil, [:]], "b": ["c": []]])
        #expect(value["a"]?.arrayValue?[4] == .null)
    }

    @Test("escapes and surrogate pairs decode to the right characters")
    func escapes() throws {
        #expect(try JSONValue(parsing: #""a\"b\\c\/\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/\n\té😀"))
    }

    @Test("malformed documents are refused with the byte offset", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "[1] x", "{'a':1}",
        "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}\"", "NaN", "Infinity", "1e999", "\"\\x\"",
    ])
    func malformed(text: String) {
        #expect(throws: JSONError.self) { try JSONValue(parsing: text) }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONError.self) { try JSONValue(parsing: bytes) }
    }

    @Test("nesting deeper than the cap is refused, not a crash")
    func depthCap() throws {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: deep) }
        #expect(error?.message.contains("1000") == true)
        let ok = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        _ = try JSONValue(parsing: ok)
    }
}
