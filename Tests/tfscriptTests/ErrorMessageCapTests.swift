import Foundation
import Testing
import TestSupport

/// What a script's error can put on stderr through the binary (issue 18, class 5).
struct ErrorMessageCapTests {
    @Test("a 10 MiB uncaught error message puts at most about 64 KiB on stderr, saying it was cut")
    func errorMessageCut() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "huge-error.lua", contents: """
            error(string.rep("\\1", 10 << 20))
            """)
        let result = try await TFScriptProcess.run(["run", script.path])
        #expect(result.status == 1)
        #expect(result.stderr.utf8.count < 100_000, "stderr has \(result.stderr.utf8.count) bytes")
        #expect(result.stderr.contains("more bytes not shown"))
    }

    @Test("with --log-format json, the error record is cut the same way")
    func errorMessageCutJSON() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "huge-error.lua", contents: """
            error(string.rep("x", 10 << 20))
            """)
        let result = try await TFScriptProcess.run(["run", "--log-format", "json", script.path])
        #expect(result.status == 1)
        #expect(result.stderr.utf8.count < 300_000, "stderr has \(result.stderr.utf8.count) bytes")
    }
}
