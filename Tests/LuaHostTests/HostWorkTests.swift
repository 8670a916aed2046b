@testable import TFScriptLuaHost
import Testing

/// Host work a script sized is stopped and bounded like Lua code (issue 18, class 5).
struct HostWorkTests {
    @Test("a host function's own long loop is stopped by the timeout through LuaHostWork")
    func meterStopsAtTimeout() throws {
        let state = try makeState(timeout: .milliseconds(100))
        try state.setGlobal("spin") { call in
            let work = call.state.hostWork()
            while true { try work.step() } // endless host work: only the meter can end it
        }
        let start = ContinuousClock.now
        let error = #expect(throws: LuaError.self) { try state.run("pcall(spin) while true do end", chunkName: "=t") }
        #expect(error?.limit == .timeout)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("a JSON decode in progress is stopped by the timeout")
    func decodeStopsAtTimeout() throws {
        let state = try makeState(memoryLimit: nil, timeout: .milliseconds(200))
        try state.registerMetatable("test.array")
        try state.registerMetatable("test.object")
        var failure = ""
        try state.setGlobal("decode") { call in
            // The deadline is already past: the decoder's own check must see it.
            while call.state.limitReachedDuringHostCall() == nil {}
            call.state.resetLimits()
            if let problem = call.returnDecodedJSON(fromArgument: 1, arrayMetatable: "test.array", objectMetatable: "test.object") {
                failure = problem.message
                throw LuaHostError(problem.message)
            }
            return []
        }
        try state.setGlobal("text", .string(LuaString("[" + String(repeating: "1,", count: 100_000) + "1]")))
        let error = #expect(throws: LuaError.self) { try state.run("decode(text)", chunkName: "=t") }
        #expect(error?.limit == .timeout)
        #expect(failure.contains("limit"), "\(failure)")
    }

    @Test("shown text is cut at a byte count, saying how much was left out")
    func cut() {
        #expect(DisplayText.cut("short", maxBytes: 10) == "short")
        #expect(DisplayText.cut("abcdefghij", maxBytes: 4) == "abcd… (6 more bytes not shown)")
        #expect(DisplayText.cut("aé", maxBytes: 2) == "a… (2 more bytes not shown)") // never inside a character
        let escaped = DisplayText.escapingControlCharacters(String(repeating: "\u{1}", count: 1000), maxBytes: 12)
        #expect(escaped == "\\u{1}\\u{1}… (998 more bytes not shown)")
        #expect(DisplayText.escapingControlCharacters("a\nb", maxBytes: 100) == "a\\nb")
    }

    @Test("escapedByteCount is the size of the escaped text")
    func escapedCount() {
        for text in ["", "plain", "a\nb\r\t", "\u{1}\u{1b}\u{7f}\u{85}\u{2028}é🙂"] {
            #expect(DisplayText.escapedByteCount(text) == DisplayText.escapingControlCharacters(text).utf8.count)
            #expect(DisplayText.escapedByteCount(text, keepingTabs: true)
                == DisplayText.escapingControlCharacters(text, keepingTabs: true).utf8.count)
        }
    }

    @Test("an error's description shows at most 64 KiB of its message")
    func errorDescription() {
        let error = LuaError(kind: .runtime, message: String(repeating: "\u{1}", count: 10 << 20))
        #expect(error.description.utf8.count < LuaError.maxShownMessageBytes + 100)
        #expect(error.description.hasSuffix("more bytes not shown)"))
    }

    @Test("a host call's copies of its arguments stay charged to the budget until it returns")
    func heldCharge() throws {
        let state = try makeState(memoryLimit: 64 << 20)
        var before = 0, during = 0, after = 0
        try state.setGlobal("probe") { call in
            before = call.state.memoryUsed
            _ = try call.argument(1) // ~4 MB as a Swift copy
            during = call.state.memoryUsed
            return []
        }
        try state.setGlobal("measure") { call in
            after = call.state.memoryUsed
            return []
        }
        _ = try state.run("t = {} for i = 1, 100000 do t[i] = 'v' .. i end probe(t) measure()", chunkName: "=t")
        #expect(during - before > 3_000_000, "the copy held \(during - before) bytes of budget")
        #expect(after < during - 3_000_000, "the charge was not given back: \(after) after, \(during) during")
    }
}
