import TestSupport
import Foundation
import Testing

/// Arguments after the script belong to it; tfscript's own flags there draw a warning.
@Suite
struct MisplacedFlagTests {
    @Test("a tfscript flag after the script draws a warning and still reaches the script")
    func warnsAndPasses() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "morning.lua", contents: "print(table.concat(arg, ' '), tf.vars.wait)")
        let result = try await TFScriptProcess.run(["run", script.path, "--var", "wait=yes", "--dry-run", "plain"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "--var wait=yes --dry-run plain\tnil\n")
        #expect(result.stderr.contains("tfscript: warning: --var --dry-run after the script are passed to the script (arg), not read by tfscript: tfscript's flags go before the script"), "\(result.stderr)")
    }

    @Test("the script's own arguments draw no warning")
    func ownArgumentsQuiet() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(#arg)")
        let result = try await TFScriptProcess.run(["run", script.path, "test-*", "--my-own-flag", "-x"])
        #expect(result.status == 0)
        #expect(result.stdout == "3\n")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("shell completion scripts are generated for bash, zsh and fish")
    func completion() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try await TFScriptProcess.run(["--generate-completion-script", shell])
            #expect(result.status == 0)
            #expect(result.stdout.contains("tfscript"))
            #expect(result.stdout.contains("--lock"), "\(shell) completion knows the run flags")
        }
    }
}
