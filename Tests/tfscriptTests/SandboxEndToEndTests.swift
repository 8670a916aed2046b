import TestSupport
import Foundation
import Testing

/// Sandbox limits that only the whole process can show: the watchdog and exit code 3; and the
/// concat guard through the binary.
@Suite(.serialized)
struct SandboxEndToEndTests {
    @Test("a __concat metamethod is refused: a script error at the concatenation's line, not freed memory")
    func concatMetamethod() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(named: "concat.lua", contents: """
            local Name = setmetatable({}, {__concat = function(a, b) return 'joined' end})
            print(pcall(function() return 'x' .. Name end))
            print(tostring(Name):sub(1, 6) .. '!')
            return Name .. 'y'
            """)
        let result = try await TFScriptProcess.run(["run", url.path])
        #expect(result.status == 1, "\(result.stderr)")
        let refusal = "__concat metamethods are not supported in the tfscript sandbox"
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("false\t") && lines[0].contains("concat.lua:2: " + refusal), "\(result.stdout)")
        #expect(lines.count == 2 && lines[1] == "table:!", "\(result.stdout)")
        #expect(result.stderr.contains("concat.lua:4: " + refusal), "\(result.stderr)")
    }

    @Test("a catastrophic pattern the hook cannot interrupt is ended by the watchdog")
    func patternBlowUp() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(
            named: "pattern.lua",
            contents: "print('before') return string.rep('a', 200000):find('.-.-.-.-.-.-b')")
        let result = try await TFScriptProcess.run(["run", "--timeout", "500ms", url.path])
        #expect(result.status == 3)
        #expect(result.stderr == "tfscript: timeout of 500ms exceeded\n")
        #expect(result.stdout == "before\n")
    }

    @Test("a script cannot swallow its timeout with pcall")
    func pcallCannotSwallowTimeout() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(
            named: "swallow.lua",
            contents: "while true do pcall(function() while true do end end) end")
        let result = try await TFScriptProcess.run(["run", "--timeout", "200ms", url.path])
        #expect(result.status == 3)
        #expect(result.stderr == "tfscript: timeout of 200ms exceeded\n")
    }

    @Test("escape attempts fail with a script error, not a crash", arguments: [
        "os.execute('id')", "io.open('/etc/passwd')", "package.loadlib('libc.so.6', 'system')",
        "debug.getinfo(1)", "string.dump(print)", "require('/etc/passwd')",
    ])
    func escapes(_ source: String) async throws {
        let url = try TFScriptProcess.writeTemporaryFile(named: "escape.lua", contents: source)
        let result = try await TFScriptProcess.run(["run", url.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("escape.lua:1:"))
    }
}
