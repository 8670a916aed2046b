import Foundation
import Testing
import TestSupport
import TFScript

/// `tf.json` in-process: the mapping DESIGN.md §3 promises.
struct TFJSONTests {
    private func run(_ source: String) async throws -> SimulatedEngine.Run {
        try await runJSONScript(source)
    }

    @Test("decode then encode round-trips null, [] vs {}, integers and floats")
    func roundTrip() async throws {
        let result = try await run(#"""
            local text = '{"a":[],"b":{},"c":null,"d":1,"e":1.0,"f":[1,2.5,{"g":null}],"h":-9223372036854775808}'
            local v = tf.json.decode(text)
            print(tf.json.encode(v) == text)
            print(math.type(v.d), math.type(v.e), v.c == tf.json.null, math.type(v.h))
            """#)
        #expect(result.stdout == "true\ninteger\tfloat\ttrue\tinteger\n", "\(result.stderr)")
    }

    @Test("encode sorts keys, writes integers without .0 and pretty-prints on request")
    func encode() async throws {
        let result = try await run(#"""
            print(tf.json.encode({b = 1, a = {3, 2.0}}))
            print(tf.json.encode({x = true}, {pretty = true}))
            print(tf.json.encode(tf.json.array({})), tf.json.encode({}), tf.json.encode(tf.json.object({})))
            local t = {}
            print(tf.json.array(t) == t)
            """#)
        #expect(result.stdout == "{\"a\":[3,2.0],\"b\":1}\n{\n  \"x\": true\n}\n[]\t{}\t{}\ntrue\n", "\(result.stderr)")
    }

    @Test("what JSON cannot say is refused with a validation error naming where",
          arguments: [
            ("{1, 2, x = 3}", "value mixes array items and named keys"),
            ("{[1] = 1, [3] = 3}", "value is a sparse array"),
            ("{0/0}", "value[1] is NaN"),
            ("{a = {b = 1/0}}", "value.a.b is infinity"),
            ("{f = print}", "value.f is a function"),
            ("{[true] = 1}", "value has a boolean key"),
            ("'\\xff'", "value is not valid UTF-8"),
          ])
    func refused(value: String, message: String) async throws {
        let result = try await run("""
            local t = \(value)
            local ok, err = pcall(tf.json.encode, t)
            print(ok, err.kind, err.message)
            """)
        #expect(result.stdout.hasPrefix("false\tvalidation\ttf.json.encode: \(message)"), "\(result.stdout)\(result.stderr)")
    }

    @Test("cycles are refused, not a crash")
    func cycle() async throws {
        let result = try await run("local t = {}; t.t = t; print(pcall(tf.json.encode, t))")
        #expect(result.stdout.hasPrefix("false\ttf.json.encode: value cannot be read"), "\(result.stdout)\(result.stderr)")
    }

    @Test("malformed JSON is a validation error with the byte offset")
    func malformed() async throws {
        let result = try await run(#"local ok, err = pcall(tf.json.decode, '{"a": }'); print(err.kind, err.message)"#)
        #expect(result.stdout == "validation\ttf.json.decode: invalid JSON at byte 6: unexpected '}', expected a value\n", "\(result.stderr)")
    }
}

/// `tf.json.decode` is a C decoder; these pin it to the same rules as the Swift JSON module.
struct TFJSONDecoderTests {
    private func run(_ source: String) async throws -> SimulatedEngine.Run {
        try await runJSONScript(source)
    }

    @Test("malformed documents are refused, each with a validation error")
    func malformedCorpus() async throws {
        let corpus = [
            "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "[1] x", "{'a':1}",
            "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}\"", "NaN", "Infinity", "1e999", "\"\\x\"", "[1 2]", "{\"a\":1,}",
        ]
        let literals = corpus.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            .replacingOccurrences(of: "\u{01}", with: "\\1") + "'" }
        let result = try await run("""
            for i, text in ipairs({\(literals.joined(separator: ", "))}) do
              local ok, err = pcall(tf.json.decode, text)
              print(i, ok, not ok and err.kind or "decoded")
            end
            print(pcall(tf.json.decode, '"\\xff\\xfe"'))
            print(pcall(tf.json.decode, '"\\xed\\xa0\\x80"'))
            """)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == corpus.count + 2, "\(result.stdout)\(result.stderr)")
        for line in lines.prefix(corpus.count) { #expect(line.hasSuffix("\tfalse\tvalidation"), "\(line)") }
        #expect(lines.suffix(2).allSatisfy { $0.hasPrefix("false") && $0.contains("not valid UTF-8") })
    }

    @Test("escapes, surrogate pairs, UTF-8, big and small numbers decode exactly")
    func exactValues() async throws {
        let result = try await run(#"""
            local v = tf.json.decode('["a\\"b\\\\c\\/\\n\\t\\u00e9\\ud83d\\ude00", "é😀", 9223372036854775807, -9223372036854775808, 9223372036854775808, 0.1, -0, 1E2, 2.5e-3, true, false, null, [[[]]], {"k": {"k": {}}}]')
            print(v[1] == 'a"b\\c/\n\t' .. utf8.char(0xe9, 0x1f600), v[2] == utf8.char(0xe9, 0x1f600))
            print(math.type(v[3]), v[3], math.type(v[4]), v[4], math.type(v[5]), v[6], math.type(v[7]), math.type(v[8]), v[8], v[9])
            print(v[10], v[11], v[12] == tf.json.null, #v, tf.json.encode(v[13]), tf.json.encode(v[14]))
            print(pcall(tf.json.decode, string.rep("[", 1001) .. string.rep("]", 1001)))
            print(#tf.json.decode(string.rep("[", 1000) .. string.rep("]", 1000)))
            """#)
        #expect(result.stdout == """
            true\ttrue
            integer\t9223372036854775807\tinteger\t-9223372036854775808\tfloat\t0.1\tinteger\tfloat\t100.0\t0.0025
            true\tfalse\ttrue\t14\t[[[]]]\t{"k":{"k":{}}}
            false\ttf.json.decode: invalid JSON at byte 1000: nesting deeper than 1000 levels
            1

            """, "\(result.stderr)")
    }
}

/// Runs `source` as a script (no API needed for tf.json: the engine has no control plane).
private func runJSONScript(_ source: String) async throws -> SimulatedEngine.Run {
    let engine = try await ScriptEngine(controlPlane: .unconfigured(TokenFactoryError(kind: .configuration, message: "no control plane in tf.json tests")))
    let result = await engine.run(.text(source, name: "json.lua"))
    try await engine.shutdown()
    return SimulatedEngine.Run(result: result)
}
