import TestSupport
import Foundation
import Testing

/// Sandbox limits that only the whole process can show: the watchdog and exit code 3.
@Suite(.serialized)
struct SandboxEndToEndTests {
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
