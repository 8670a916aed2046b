import Foundation
import Testing

/// `tf.json` through the real binary: the mapping DESIGN.md §3 promises.
@Suite(.serialized)
struct TFJSONTests {
    private func run(_ source: String) async throws -> TFScriptProcess.Result {
        let script = try TFScriptProcess.writeTemporaryFile(named: "json.lua", contents: source)
        return try await TFScriptProcess.run(["run", script.path])
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
