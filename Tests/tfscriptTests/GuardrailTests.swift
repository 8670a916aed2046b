import ArgumentParser
import Foundation
import TestSupport
import TFScriptJSON
import Testing
@testable import tfscript

/// Issue 19, section 6: `--max-changes` and `--protect` refuse changes before they are sent,
/// in live runs, dry runs (so the plan shows it) and `apply`; a refusal exits 7.
struct GuardrailTests {
    private static let ids = ["ep-1", "ep-2", "ep-3"]
    private static let disableAll = "for _, id in ipairs({'ep-1', 'ep-2', 'ep-3'}) do tf.endpoints.patch(id, {enabled = false}) end"

    private func fleetServer() throws -> (FaultServer, FakeFleet) {
        let fleet = FakeFleet(Self.ids)
        return (try FaultServer { request, _ in fleet.answer(request) }, fleet)
    }

    private func mutations(_ server: FaultServer) -> [String] {
        server.log.filter { $0.method != "GET" }.map { "\($0.method) \($0.path.split(separator: "/").last!)" }
    }

    @Test("--max-changes 2: the third change is refused before it is sent, exit 7, saying how many were made")
    func maxChangesLive() async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        let result = try await FaultRig.run(Self.disableAll, server: server, flags: ["--max-changes", "2"])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.stderr.contains("tf.endpoints.patch: refused, nothing sent: this would be change 3, past --max-changes 2 (2 changes were made before)"), "\(result.stderr)")
        #expect(mutations(server) == ["PATCH ep-1", "PATCH ep-2"])
    }

    @Test("--max-changes holds in a dry run: the plan stops where the live run would, exit 7, nothing sent")
    func maxChangesDryRun() async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        let plan = FaultRig.temporaryPath("plan.json")
        let result = try await FaultRig.run(Self.disableAll, server: server, flags: ["--dry-run", "--plan-out", plan, "--max-changes", "2"])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.stderr.contains("Plan: 0 to create, 2 to change, 0 to delete."), "\(result.stderr)")
        #expect(mutations(server).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: plan), "a plan the script could not finish is not saved")
    }

    @Test("--protect refuses deleting, disabling or scaling to zero a matching endpoint, live and dry; other changes pass",
          arguments: [false, true])
    func protect(dryRun: Bool) async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        let script = """
            for _, change in ipairs({
              function() tf.endpoints.delete("ep-1") end,
              function() tf.endpoints.patch("ep-1", {enabled = false}) end,
              function() tf.endpoints.patch("ep-1", {scaling = {min_replicas = 0}}) end,
            }) do
              local ok, err = pcall(change)
              print(ok, err.kind)
            end
            tf.endpoints.patch("ep-1", {description = "still allowed"})
            tf.endpoints.patch("ep-2", {enabled = false})
            """
        let result = try await FaultRig.run(script, server: server, flags: (dryRun ? ["--dry-run"] : []) + ["--protect", "name-ep-1"])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.stdout == "false\tguardrail\nfalse\tguardrail\nfalse\tguardrail\n")
        #expect(result.stderr.contains("a guardrail refused 3 changes (the script caught the error); 2 made"), "\(result.stderr)")
        #expect(mutations(server) == (dryRun ? [] : ["PATCH ep-1", "PATCH ep-2"]))
    }

    @Test("apply refuses a plan that breaks a guardrail before sending anything (exit 7)")
    func applyChecksPlan() async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        let plan = FaultRig.temporaryPath("plan.json")
        let planned = try await FaultRig.run(Self.disableAll + " tf.endpoints.delete('ep-3')", server: server, flags: ["--dry-run", "--plan-out", plan])
        #expect(planned.status == 0, "\(planned.stderr)")
        for flags in [["--max-changes", "3"], ["--protect", "name-ep-3"]] {
            let result = try await TFScriptProcess.run(
                ["apply", "--yes", "--base-url", server.baseURL] + flags + [plan], environment: FaultRig.environment())
            #expect(result.status == 7, "\(result.stderr)")
            #expect(result.stderr.contains("the plan breaks a guardrail, so nothing was applied"), "\(result.stderr)")
        }
        #expect(mutations(server).isEmpty)
        let allowed = try await TFScriptProcess.run(
            ["apply", "--yes", "--base-url", server.baseURL, "--max-changes", "4", "--protect", "prod-*", plan], environment: FaultRig.environment())
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(mutations(server).count == 4)
    }

    /// A temporary XDG_CONFIG_HOME whose default profile points at `server` and protects `globs`.
    private func profileEnvironment(server: FaultServer, protect: String) throws -> [String: String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-xdg-\(UUID().uuidString)/tfscript")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("[profile.default]\nbase_url = \"\(server.baseURL)\"\nprotect = \(protect)\n".utf8)
            .write(to: folder.appendingPathComponent("config.toml"))
        return FaultRig.environment().merging(["XDG_CONFIG_HOME": folder.deletingLastPathComponent().path]) { _, new in new }
    }

    @Test("a profile's protect = [...] holds in run, dry run, apply and the REPL, without any flag")
    func profileProtect() async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        let environment = try profileEnvironment(server: server, protect: #"["name-ep-2"]"#)
        let script = try TFScriptProcess.writeTemporaryFile(named: "script.lua", contents: Self.disableAll)
        let plan = FaultRig.temporaryPath("plan.json")

        let dry = try await TFScriptProcess.run(["run", "--dry-run", script.path], environment: environment)
        #expect(dry.status == 7, "\(dry.stderr)")
        #expect(dry.stderr.contains("refused, nothing sent"), "\(dry.stderr)")
        let live = try await TFScriptProcess.run(["run", script.path], environment: environment)
        #expect(live.status == 7, "\(live.stderr)")
        #expect(mutations(server) == ["PATCH ep-1"])

        // A plan made without the profile is refused by an apply that has it.
        let noProfile = FaultRig.environment().merging(["XDG_CONFIG_HOME": "/nonexistent"]) { _, new in new }
        let planned = try await TFScriptProcess.run(
            ["run", "--base-url", server.baseURL, "--dry-run", "--plan-out", plan, "-e", "tf.endpoints.delete('ep-2')"], environment: noProfile)
        #expect(planned.status == 0, "\(planned.stderr)")
        let applied = try await TFScriptProcess.run(["apply", "--yes", plan], environment: environment)
        #expect(applied.status == 7, "\(applied.stderr)")
        #expect(applied.stderr.contains("#1: "), "\(applied.stderr)")

        let repl = try await TFScriptProcess.run(
            ["repl"], stdin: "tf.endpoints.delete('ep-2')\ntf.endpoints.patch('ep-3', {description = 'ok'})\n", environment: environment)
        #expect(repl.status == 1, "\(repl.stderr)")
        #expect(repl.stderr.contains("refused, nothing sent"), "\(repl.stderr)")
        #expect(repl.stderr.contains(#"~ patched "name-ep-3" (ep-3): description -> "ok""#), "\(repl.stderr)")  // not a UTF-8 locale: ASCII arrows
        #expect(mutations(server) == ["PATCH ep-1", "PATCH ep-3"])

        let shown = try await TFScriptProcess.run(["config", "show"], environment: environment)
        #expect(shown.stdout.contains(#"protect:     "name-ep-2""#), "\(shown.stdout)")
    }

    @Test("a profile's protect must be an array of non-empty strings (exit 2, nothing sent)")
    func profileProtectValidated() async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        // The check is the configuration file's, in-process for each bad value.
        for bad in [#""name-ep-2""#, #"["", "x"]"#, "[1]"] {
            let environment = try profileEnvironment(server: server, protect: bad)
            #expect {
                _ = try ConfigCommand.Show.parse([]).report(environment: environment)
            } throws: { error in
                let failure = error as? CommandFailure
                return failure?.exitCode == 2 && failure?.message.contains("profile.default.protect must be an array of non-empty strings") == true
            }
        }
        // End to end once: run stops with exit 2 before sending anything.
        let environment = try profileEnvironment(server: server, protect: #""name-ep-2""#)
        let result = try await TFScriptProcess.run(["run", "-e", Self.disableAll], environment: environment)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("profile.default.protect must be an array of non-empty strings"), "\(result.stderr)")
        #expect(mutations(server).isEmpty)
    }

    @Test("--max-changes and --protect hold in a REPL session, live and under :dry-run on")
    func replGuardrails() async throws {
        let (server, _) = try fleetServer()
        defer { server.stop() }
        let input = """
            tf.endpoints.patch('ep-1', {description = 'a'})
            tf.endpoints.patch('ep-2', {description = 'b'})
            :dry-run on
            tf.endpoints.delete('ep-3')
            tf.endpoints.patch('ep-2', {enabled = false})
            """
        let result = try await TFScriptProcess.run(
            ["repl", "--base-url", server.baseURL, "--max-changes", "1", "--protect", "name-ep-3"],
            stdin: input + "\n", environment: FaultRig.environment())
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("this would be change 2, past --max-changes 1"), "\(result.stderr)")
        #expect(result.stderr.contains("tf.endpoints.delete: refused, nothing sent"), "\(result.stderr)")
        #expect(mutations(server) == ["PATCH ep-1"])
    }
}
