import TestSupport
import Foundation
import Testing

/// How the binary finds its control plane: the CLI's own policy (token from the environment,
/// `--simulator`), so these stay end-to-end.
@Suite(.serialized)
struct ConnectionCommandTests {
    @Test("without a token and without --simulator, API calls fail saying how to fix it (exit 2)")
    func noToken() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(#tf.endpoints.list())")
        let result = try await TFScriptProcess.run(["run", script.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("TOKEN_FACTORY_API_KEY"))
        #expect(result.stderr.contains("--simulator"))
    }

    @Test("--simulator runs against an in-process simulated control plane and says so")
    func simulatorFlag() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(#tf.endpoints.list())")
        let result = try await TFScriptProcess.run(["run", "--simulator", script.path])
        #expect(result.status == 0)
        #expect(result.stdout == "12\n")
        #expect(result.stderr.contains("simulated control plane"))
    }
}
