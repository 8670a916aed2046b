import Testing
@testable import TFScriptLuaHost

/// The escape corpus: each attempt must end in a clear error or a limit, never a crash,
/// a hang or access to something the sandbox removed (DESIGN.md §4).
struct SandboxEscapeTests {
    enum Outcome: Sendable, CustomStringConvertible {
        /// An ordinary Lua error whose message contains the text.
        case error(String)
        /// A limit ended the run.
        case limit(LuaLimit)
        /// The script ran and returned this value (the attempt had no effect).
        case returns(LuaValue)

        var description: String {
            switch self {
            case .error(let text): "error containing \(text)"
            case .limit(let limit): "limit \(limit)"
            case .returns(let value): "returns \(value)"
            }
        }
    }

    struct Attempt: Sendable, CustomTestStringConvertible {
        var name: String
        var source: String
        var outcome: Outcome
        var testDescription: String { name }
    }

    static let attempts: [Attempt] = [
        Attempt(name: "os.execute", source: "return os.execute('echo pwned')", outcome: .error("field 'execute'")),
        Attempt(name: "os.exit", source: "os.exit(0)", outcome: .error("field 'exit'")),
        Attempt(name: "os.remove", source: "os.remove('/tmp/x')", outcome: .error("field 'remove'")),
        Attempt(name: "io.popen", source: "return io.popen('id')", outcome: .error("global 'io'")),
        Attempt(name: "io.open", source: "return io.open('/etc/passwd')", outcome: .error("global 'io'")),
        Attempt(name: "loadfile", source: "return loadfile('/etc/passwd')", outcome: .error("global 'loadfile'")),
        Attempt(name: "dofile", source: "return dofile('/etc/passwd')", outcome: .error("global 'dofile'")),
        Attempt(name: "string.dump", source: "return string.dump(print)", outcome: .error("field 'dump'")),
        Attempt(name: "string.dump through a string's metatable", source: "return ('').dump(print)", outcome: .error("field 'dump'")),
        Attempt(name: "package.loadlib", source: "return package.loadlib('libc.so.6', 'system')", outcome: .error("global 'package'")),
        Attempt(name: "require of a C module", source: "return require('socket.core')", outcome: .error("module 'socket.core' not found")),
        Attempt(name: "require of an absolute path", source: "return require('/etc/passwd')", outcome: .error("invalid module name")),
        Attempt(name: "require with ..", source: "return require('..secret')", outcome: .error("invalid module name")),
        Attempt(name: "require with a slash", source: "return require('a/../../etc')", outcome: .error("invalid module name")),
        Attempt(name: "debug.getinfo", source: "return debug.getinfo(1)", outcome: .error("global 'debug'")),
        Attempt(name: "debug.sethook", source: "debug.sethook()", outcome: .error("global 'debug'")),
        Attempt(name: "getmetatable on strings", source: "getmetatable('').__index.upper = nil", outcome: .error("boolean value")),
        Attempt(name: "setmetatable with __gc", source: "setmetatable({}, {__gc = function() while true do end end})", outcome: .error("__gc metamethods (finalizers) are not allowed")),
        Attempt(name: "__gc added after setmetatable never runs", source: """
            local mt = {}
            setmetatable({}, mt)
            mt.__gc = function() while true do end end
            collectgarbage(); collectgarbage()
            return 'done'
            """, outcome: .returns("done")),
        Attempt(name: "collectgarbage stop", source: "collectgarbage('stop')", outcome: .error("option 'stop' is not allowed")),
        Attempt(name: "collectgarbage setpause", source: "collectgarbage('setpause', 1000)", outcome: .error("not allowed")),
        Attempt(name: "collectgarbage generational", source: "collectgarbage('generational')", outcome: .error("not allowed")),
        Attempt(name: "load of a binary chunk made by string.dump", source: "return assert(load(BINARY))()", outcome: .error("binary chunks are not allowed")),
        Attempt(name: "load of a binary chunk with mode b", source: "return assert(load(BINARY, 'x', 'b'))()", outcome: .error("binary chunks are not allowed")),
        Attempt(name: "load with an env escape", source: "return load('return io', 'x', 't', _G)().open('/etc/passwd')", outcome: .error("attempt to index a nil value")),
        Attempt(name: "os.getenv of a variable not passed with --env", source: "return os.getenv('PATH')", outcome: .returns(.nil)),
        Attempt(name: "infinite loop", source: "while true do end", outcome: .limit(.timeout)),
        Attempt(name: "coroutine-wrapped infinite loop", source: "coroutine.wrap(function() while true do end end)()", outcome: .limit(.timeout)),
        Attempt(name: "pcall swallowing a timeout", source: "while true do pcall(function() while true do end end) end", outcome: .limit(.timeout)),
        Attempt(name: "xpcall swallowing a timeout", source: "while true do xpcall(function() while true do end end, function() return 'no' end) end", outcome: .limit(.timeout)),
        Attempt(name: "coroutine.resume swallowing a timeout", source: """
            while true do
              local co = coroutine.create(function() while true do end end)
              coroutine.resume(co)
            end
            """, outcome: .limit(.timeout)),
        Attempt(name: "string.rep memory bomb", source: "return #string.rep('x', (1 << 31) - 1)", outcome: .limit(.memory)),
        Attempt(name: "string.rep beyond the size limit", source: "return #string.rep('x', 1 << 62)", outcome: .error("resulting string too large")),
        Attempt(name: "pcall swallowing a memory bomb", source: """
            local ok = pcall(string.rep, 'x', 1 << 30)
            return ok
            """, outcome: .limit(.memory)),
        Attempt(name: "string concatenation doubling", source: "local s = 'x' while true do s = s .. s end", outcome: .limit(.memory)),
        Attempt(name: "huge table growth", source: "local t = {} for i = 1, 1e9 do t[i] = {i} end", outcome: .limit(.memory)),
        Attempt(name: "gsub memory blow-up", source: "local s = string.rep('a', 1e6) s = s:gsub('a', string.rep('b', 1000)) return #s", outcome: .limit(.memory)),
        Attempt(name: "deep Lua recursion", source: "local function f(n) return 1 + f(n + 1) end return f(1)", outcome: .error("stack overflow")),
        Attempt(name: "recursion through __index", source: "local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end return t.x", outcome: .error("stack overflow")),
        Attempt(name: "coroutines nested without end", source: "local function f() return coroutine.wrap(f)() end return f()", outcome: .error("stack overflow")),
        Attempt(name: "gsub with a looping replacement function", source: "return ('abc'):gsub('.', function() while true do end end)", outcome: .limit(.timeout)),
        Attempt(name: "table.sort with a looping comparator", source: "table.sort({3, 2, 1}, function() while true do end end)", outcome: .limit(.timeout)),
        Attempt(name: "__close handler swallowing a timeout", source: """
            while true do
              local ok = pcall(function()
                local guard <close> = setmetatable({}, {__close = function() end})
                while true do end
              end)
            end
            """, outcome: .limit(.timeout)),
        Attempt(name: "deeply nested table returned to the host", source: "local t = {} for i = 1, 5000 do t = {t} end return t", outcome: .error("nested deeper")),
        Attempt(name: "error object with a throwing __tostring", source: "error(setmetatable({}, {__tostring = function() error('again') end}))", outcome: .error("__tostring failed")),
        Attempt(name: "__tostring looping forever on an uncaught error", source: "error(setmetatable({}, {__tostring = function() while true do end end}))", outcome: .limit(.timeout)),
    ]

    @Test("escape attempt ends safely", arguments: attempts)
    func escape(_ attempt: Attempt) throws {
        // Attempts that should hit the timeout get a short one; the others a generous one, so a
        // loaded machine cannot turn a memory or stack error into a timeout.
        let expectsTimeout = if case .limit(.timeout) = attempt.outcome { true } else { false }
        let state = try makeState(memoryLimit: 64 << 20, timeout: expectsTimeout ? .milliseconds(200) : .seconds(20))
        try state.setGlobal("BINARY", .string(LuaString(bytes: binaryChunk(state))))
        do {
            let results = try state.run(attempt.source, chunkName: "=escape")
            guard case .returns(let expected) = attempt.outcome else {
                Issue.record("expected \(attempt.outcome), the script returned \(results)")
                return
            }
            #expect((results.first ?? .nil) == expected)
        } catch {
            switch attempt.outcome {
            case .error(let text):
                #expect(error.limit == nil)
                #expect(error.message.contains(text), "message: \(error.message)")
            case .limit(let limit):
                #expect(error.limit == limit, "got \(error.kind): \(error.message)")
            case .returns:
                Issue.record("expected success, got \(error)")
            }
        }
    }

    func binaryChunk(_ state: LuaState) -> [UInt8] { state.binaryChunkForTests("return 1") }
}
