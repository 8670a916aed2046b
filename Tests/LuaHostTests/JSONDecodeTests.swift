@testable import TFScriptLuaHost
import Testing
import TestSupport

/// The C JSON decoder behind `returnDecodedJSON`, exercised here so the ASan run covers it.
struct JSONDecodeTests {
    func stateWithDecoder(memoryLimit: Int? = 32 << 20) throws -> LuaState {
        let state = try makeState(memoryLimit: memoryLimit)
        try state.registerMetatable("test.array")
        try state.registerMetatable("test.object")
        try state.setGlobal("decode") { call in
            if let failure = call.returnDecodedJSON(fromArgument: 1, arrayMetatable: "test.array", objectMetatable: "test.object") {
                throw LuaHostError("\(failure.message) at \(failure.offset)")
            }
            return []
        }
        return state
    }

    @Test("decodes nested documents with marker metatables and the null sentinel")
    func decodes() throws {
        let state = try stateWithDecoder()
        let value = try eval(state, #"return decode('{"a":[1,2.5,null,{"b":"x\\u00e9"}],"c":{}}')"#)
        #expect(value.tableValue?.metatableName == "test.object")
        #expect(value["a"].tableValue?.metatableName == "test.array")
        #expect(value["a"].tableValue?.array == [.integer(1), .number(2.5), .lightUserdata(0), .table(LuaTable(fields: ["b": "xé"], metatableName: "test.object"))])
        #expect(value["c"] == .table(LuaTable(metatableName: "test.object")))
    }

    @Test("malformed input is reported with its offset and leaves the stack clean", arguments: [
        "[1,", "{\"a\":}", "\"\\ud800\"", "[" + String(repeating: "[", count: 1200), "01", "\"\u{01}\"", "{\"a\" 1}",
    ])
    func malformed(text: String) throws {
        let state = try stateWithDecoder()
        try state.setGlobal("text", .string(LuaString(text)))
        let value = try eval(state, "local ok, err = pcall(decode, text); return select('#', ok), ok, err")
        #expect(value == .integer(1))
        let results = try state.run("local ok, err = pcall(decode, text); return ok, err, select('#', decode and 1)", chunkName: "=t")
        #expect(results.first == .boolean(false))
        #expect(results[1].stringValue?.contains(" at ") == true)
    }

    @Test("a document larger than the memory limit trips the limit instead of crashing")
    func overBudget() throws {
        let state = try stateWithDecoder(memoryLimit: 4 << 20)
        let big = "[" + Array(repeating: #"{"name":"endpoint","n":12345,"tags":["a","b"]}"#, count: 40_000).joined(separator: ",") + "]"
        try? state.setGlobal("text", .string(LuaString(big)))
        #expect(throws: LuaError.self) { try eval(state, "local t = decode(text); return #t") }
    }
}

extension JSONDecodeTests {
    /// The decoder pauses the collector while it builds a document (docs/performance.md, P3).
    /// A pause left behind would not trip the limit (an allocation that fails runs Lua's
    /// emergency collection first), so the proof is how high memory climbs afterwards.
    @Test("the collector runs again after a decoding, whether it succeeded or failed")
    func collectorRestarts() throws {
        let state = try stateWithDecoder(memoryLimit: 16 << 20)
        let results = try state.run("""
            local doc = '[' .. string.rep('{"name":"endpoint","n":1},', 999) .. '{"name":"x","n":2}]'
            local t = decode(doc)
            local failed = pcall(decode, '[{"name":"endpoint"},')
            -- 100 MB of garbage in 100 KB strings, under a 16 MiB limit.
            local highest = 0
            for i = 1, 1000 do
              local s = string.rep('x', 100000) .. i
              highest = math.max(highest, collectgarbage('count'))
            end
            return #t, failed, highest
            """, chunkName: "=t")
        #expect(results.first == .integer(1000))
        #expect(results[1] == .boolean(false))
        // A running collector keeps this near twice the live data (~1 MB); a paused one lets it
        // climb to the limit before each emergency collection.
        let highestKiB = results[2].doubleValue ?? Double.infinity
        #expect(highestKiB < 6 * 1024, "memory climbed to \(Int(highestKiB)) KiB")
    }
}

/// The C decoder against the JSONTestSuite corpus (see `JSONConformanceCorpus`): both entry
/// points, from a Lua string (`tf.json.decode`) and from a host buffer (API list pages).
extension JSONDecodeTests {
    @Test("the C decoder accepts every y_ document and refuses every n_ one, from a Lua string and from a buffer",
          arguments: JSONConformanceCorpus.cases)
    func corpus(_ document: JSONConformanceCorpus.Case) throws {
        let state = try stateWithDecoder(memoryLimit: 64 << 20)
        // The buffer entry point takes an array's text; wrap the document as `[doc]`.
        let wrapped = ArraySlice(Array("[".utf8) + document.bytes + Array("]".utf8))
        try state.setGlobal("decode_buffer") { call in
            var result = try call.returnNewArray(metatable: "test.array")
            if let failure = try result.appendDecoded(wrapped, arrayMetatable: "test.array", objectMetatable: "test.object", keep: { _ in true }) {
                throw LuaHostError("\(failure.message) at \(failure.offset)")
            }
            return []
        }
        try state.setGlobal("text", .string(LuaString(bytes: document.bytes)))
        let results = try state.run("local a = pcall(decode, text) local b = pcall(decode_buffer) return a, b", chunkName: "=t")
        let fromString = results.first == .boolean(true)
        let fromBuffer = results.count == 2 && results[1] == .boolean(true)
        switch document.expectation {
        case .accept:
            #expect(fromString, "refused \(document.name): \(results)")
            #expect(fromBuffer, "buffer refused \(document.name): \(results)")
        case .reject:
            #expect(!fromString, "accepted \(document.name)")
        case .either:
            break
        }
    }
}
