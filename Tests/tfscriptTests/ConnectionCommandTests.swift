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
        #expect(result.stderr.contains("(in memory, 12 endpoints; nothing real is touched)"))
    }

    @Test("a one-endpoint fleet is '1 endpoint' in the simulator's banner")
    func singular() async throws {
        let fleet = try TFScriptProcess.writeTemporaryFile(named: "fleet.json", contents: #"[{"name": "solo"}]"#)
        let result = try await TFScriptProcess.run(["run", "--simulator", "--fleet", fleet.path, "-e", "print(#tf.endpoints.list())"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1\n")
        #expect(result.stderr.contains("(in memory, 1 endpoint; nothing real is touched)"))
    }
}
