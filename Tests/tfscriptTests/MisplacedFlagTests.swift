import TestSupport
import Foundation
import Testing
@testable import tfscript

/// Arguments after the script belong to it; tfscript's own options there are refused (exit 2,
/// nothing run, nothing sent), since passing them on would change what happens (a
/// `--dry-run` after the script made the run live). After `--` everything is the script's.
@Suite
struct MisplacedFlagTests {
    /// A script that would change an endpoint and says so when it runs.
    static let mutating = """
        print("ran", ...)
        local e = tf.endpoints.list()[1]
        tf.endpoints.patch(e, {description = "changed"})
        """

    @Test("a --dry-run after the script is refused with exit 2 before anything runs", arguments: [
        ["--dry-run"], ["x", "--dry-run"], ["--dry-run=true"], ["--var", "wait=yes"], ["--timeout=5s"], ["-v"], ["-vq"],
        ["-o", "json"], ["-vo", "json"], ["-e", "print(1)"], ["--journal", "j.jsonl"],
    ])
    func refused(_ after: [String]) throws {
        let script = "/tmp/nightly.lua"
        // Refused while parsing: no command exists to run, so the script never runs.
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--simulator", script] + after))
        #expect(result.status == 2, "\(after): \(result.message)")
        let option = after.first { $0.hasPrefix("-") }!
        #expect(result.message.contains("tfscript: \(option)"), "\(result.message)")
        #expect(result.message.contains("after the script would be passed to the script"), "\(result.message)")
        #expect(result.message.contains("put tfscript's options before the script: tfscript run \(option)"), "\(result.message)")
        #expect(result.message.contains("or separate the script's own arguments with --: tfscript run \(script) -- \(option)"), "\(result.message)")
    }

    @Test("against a control-plane server, a misplaced --dry-run sends no request at all; behind -- the script runs live as asked")
    func nothingSent() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let refused = try await api.run(Self.mutating, arguments: ["--dry-run"])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(await api.requestCount() == 0)
        let separated = try await api.run(Self.mutating, arguments: ["--", "--dry-run"])
        #expect(separated.status == 0, "\(separated.stderr)")
        #expect(separated.stdout == "ran\t--dry-run\n")
        #expect(await api.mutatingRequests().count == 1, "the script asked for a live run; it got one")
    }

    @Test("the message for --dry-run says the run would be live")
    func saysLive() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "nightly.lua", contents: Self.mutating)
        let result = try await TFScriptProcess.run(["run", "--simulator", script.path, "--dry-run"])
        #expect(result.status == 2)
        #expect(result.stderr == "tfscript: --dry-run after the script would be passed to the script, not read by tfscript, "
            + "and the run would be live; put tfscript's options before the script: tfscript run --dry-run \(script.path) ...; "
            + "or separate the script's own arguments with --: tfscript run \(script.path) -- --dry-run\n")
    }

    @Test("-e CHUNK is the script: options after it are refused, with or without chunk arguments", arguments: [
        ["--dry-run"], ["x", "--dry-run"], ["-v"], ["--seed", "1"],
    ])
    func refusedAfterChunk(_ after: [String]) throws {
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--simulator", "-e", Self.mutating] + after))
        #expect(result.status == 2, "\(after): \(result.message)")
        #expect(result.message.contains("tfscript run -e CHUNK -- "), "\(result.message)")
    }

    @Test("after --, tfscript's options reach the script untouched and the -- itself does not")
    func separated() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(select('#', ...), ...)")
        let result = try await TFScriptProcess.run(["run", script.path, "--", "--dry-run", "--var", "a=b", "--", "-v"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "5\t--dry-run\t--var\ta=b\t--\t-v\n")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let before = try await TFScriptProcess.run(["run", "--", script.path, "--dry-run", "--"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == "2\t--dry-run\t--\n")
        let chunk = try await TFScriptProcess.run(["run", "-e", "print(select('#', ...), ...)", "--", "--dry-run", "x"])
        #expect(chunk.status == 0, "\(chunk.stderr)")
        #expect(chunk.stdout == "2\t--dry-run\tx\n")
    }

    @Test("a -- after the script does not make the run live: with --dry-run before the script, nothing is sent")
    func separatedStillDry() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "nightly.lua", contents: Self.mutating)
        let result = try await TFScriptProcess.run(["run", "--simulator", "--dry-run", script.path, "--", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ran\t--dry-run\n")
        #expect(result.stderr.contains("description"), "the plan shows the change: \(result.stderr)")
    }

    @Test("the script's own dashes, which tfscript does not define, are allowed and draw nothing")
    func ownArgumentsQuiet() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(#arg)")
        let result = try await TFScriptProcess.run(["run", script.path, "test-*", "--my-own-flag", "-x", "--name=a", "-5", "-", "--help", "--version", "-ojson", "-vx"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "10\n")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("apply reads its options wherever they are: the plan file first means the same")
    func applyOrder() throws {
        let after = try #require(try TFScriptCommand.parseRunningArgumentsApart(["apply", "plan.json", "--yes", "--journal", "j"]) as? ApplyCommand)
        let before = try #require(try TFScriptCommand.parseRunningArgumentsApart(["apply", "--yes", "--journal", "j", "plan.json"]) as? ApplyCommand)
        #expect(after.planFile == "plan.json" && before.planFile == "plan.json")
        #expect(after.yes && before.yes)
        #expect(after.journal == "j" && before.journal == "j")
    }

    @Test("shell completion scripts are generated for bash, zsh and fish")
    func completion() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try #require(ParsedCommandLine.earlyExit(["--generate-completion-script", shell]))
            #expect(result.status == 0)
            #expect(result.message.contains("tfscript"))
            #expect(result.message.contains("--lock"), "\(shell) completion knows the run flags")
        }
    }
}
