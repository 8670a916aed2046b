import TestSupport
import Foundation
import TFScriptJSON
import Testing
import TokenFactorySimulator
import TFScript
@testable import tfscript

/// Text from scripts and from the server, through every renderer of the binary: no raw control,
/// bidi or invisible character reaches stdout or stderr, no forged line appears as one of
/// tfscript's own (issue 19, class 1).
@Suite(.serialized)
struct SpoofingOutputTests {
    /// The demo fleet with the spoofing strings as its first endpoints' names.
    static var spoofedFleet: [JSONValue] {
        Fleet.demo.enumerated().map { index, endpoint in
            guard index < SpoofingText.strings.count, var members = endpoint.objectValue else { return endpoint }
            members["name"] = .string(SpoofingText.strings[index])
            return .object(members)
        }
    }

    /// Tabs are allowed on stderr only where `tabs` (a traceback's indentation).
    static func expectClean(_ result: TFScriptProcess.Result, _ what: String, tabs: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(SpoofingText.rawControls(in: result.stderr, allowing: tabs ? ["\n", "\t"] : ["\n"]).isEmpty, "\(what) stderr: \(result.stderr.debugDescription)", sourceLocation: sourceLocation)
        #expect(SpoofingText.rawControls(in: result.stdout).isEmpty, "\(what) stdout: \(result.stdout.debugDescription)", sourceLocation: sourceLocation)
        let output = result.stderr + "\n" + result.stdout
        #expect(!SpoofingText.hasLine("Plan: 1 to create, 0 to change, 0 to delete.", in: output), "\(what): \(output)", sourceLocation: sourceLocation)
        #expect(!SpoofingText.hasLine("- delete prod-db (ep-1)", in: output), "\(what): \(output)", sourceLocation: sourceLocation)
    }

    @Test("server names with controls: the dry-run plan, -o table, tf.show, text logs and apply's progress stay clean")
    func serverNames() async throws {
        let api = try await SimulatedAPI.start(fleet: Self.spoofedFleet)
        defer { Task { await api.stop() } }
        let count = SpoofingText.strings.count
        let deleteAll = """
            local all = tf.endpoints.list()
            tf.show(all, {"name", "endpoint_id"})
            for i = 1, \(count) do tf.log.info(all[i].name, {name = all[i].name}); tf.endpoints.delete(all[i].endpoint_id) end
            """
        let planPath = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        let dry = try await api.run(deleteAll, flags: ["--dry-run", "--plan-out", planPath])
        #expect(dry.status == 0, "\(dry.stderr)")
        Self.expectClean(dry, "dry run")
        #expect(dry.stderr.contains("Plan: 0 to create, 0 to change, \(count) to delete."))
        #expect(dry.stderr.contains("  - delete \"x\\nPlan: 1 to create, 0 to change, 0 to delete.\" (ep-demo-01)"), "\(dry.stderr)")

        let table = try await api.run("return tf.endpoints.list()", flags: ["-o", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        Self.expectClean(table, "-o table")
        #expect(table.stdout.contains("c1\\u{9b}2Kcsi\\u{85}nel"))

        let applied = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", planPath])
        #expect(applied.status == 0, "\(applied.stderr)")
        Self.expectClean(applied, "apply")
        #expect(applied.stderr.contains("  #1 deleted \"x\\nPlan: 1 to create, 0 to change, 0 to delete.\" (ep-demo-01)"), "\(applied.stderr)")
    }

    @Test("script text with controls: plan values, logs, errors and tables stay clean")
    func scriptText() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        for text in SpoofingText.strings {
            let literal = SpoofingText.luaLiteral(text)
            let patch = try await api.run("""
                tf.log.warn(\(literal), {[\(literal)] = \(literal)})
                tf.show({{name = \(literal), [\(literal)] = 1}})
                tf.endpoints.patch("ep-demo-07", {description = \(literal)})
                """, flags: ["--dry-run"])
            #expect(patch.status == 0, "\(patch.stderr)")
            Self.expectClean(patch, "plan of \(text.debugDescription)")
            #expect(patch.stderr.contains("Plan: 0 to create, 1 to change, 0 to delete."))

            let failed = try await api.run("error(\(literal), 0)")
            #expect(failed.status == 1)
            Self.expectClean(failed, "error of \(text.debugDescription)", tabs: true)
            #expect(failed.stderr.hasPrefix("script error: "), "\(failed.stderr)")

            let repl = try await api.tfscript(["repl"], stdin: "error(\(literal), 0)\nerror(\(literal))\n",
                                              extra: ["XDG_STATE_HOME": FileManager.default.temporaryDirectory.path])
            Self.expectClean(repl, "REPL error of \(text.debugDescription)", tabs: true)
        }
    }

    @Test("a server's error messages with controls: the run's error, a logged error and apply's refusal stay clean")
    func serverErrors() async throws {
        for text in SpoofingText.strings {
            let server = try FaultServer { _, _ in .json(400, ["error": ["message": .string(text)]]) }
            let uncaught = try await FaultRig.run("tf.endpoints.get('ep-1')", server: server)
            #expect(uncaught.status == 4)
            Self.expectClean(uncaught, "uncaught API error \(text.debugDescription)", tabs: true)
            let logged = try await FaultRig.run("local ok, e = pcall(tf.endpoints.get, 'ep-1') tf.log.error(tostring(e))", server: server)
            Self.expectClean(logged, "logged API error \(text.debugDescription)")
            let plan = Plan(baseURL: server.baseURL, operations: [
                PlanOperation(kind: .delete, target: "ep-1", body: nil, before: FaultRig.endpoint("ep-1"), after: nil),
            ])
            let path = FaultRig.temporaryPath("plan.json")
            try plan.json.serialized(pretty: true).write(toFile: path, atomically: true, encoding: .utf8)
            let applied = try await TFScriptProcess.run(["apply", "--base-url", server.baseURL, "--yes", path], environment: FaultRig.environment())
            #expect(applied.status == 4)
            #expect(applied.stderr.contains("cannot check the plan: "), "\(applied.stderr)")
            Self.expectClean(applied, "apply refused \(text.debugDescription)")
        }
    }

    @Test("error('tfscript: …', 0) is not shown as tfscript's own limit line")
    func forgedDiagnostic() async throws {
        let result = try await TFScriptProcess.run(["run", "-e", #"error("tfscript: timeout of 3s exceeded", 0)"#])
        #expect(result.status == 1)
        #expect(!result.stderr.hasPrefix("tfscript: "), "\(result.stderr)")
        #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("tfscript: ") }, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("script error: tfscript: timeout of 3s exceeded\n"), "\(result.stderr)")
        // Under --log-format json the record stays one valid JSON object per line.
        let json = try await TFScriptProcess.run(["run", "--log-format", "json", "-e", #"error("tfscript: x\n{\"a\":1}\27[8m", 0)"#])
        #expect(json.status == 1)
        for line in json.stderr.split(separator: "\n") {
            #expect((try? JSONValue(parsing: String(line))) != nil, "\(line)")
        }
        let repl = try await TFScriptProcess.run(["repl"], stdin: "error('tfscript: timeout of 3s exceeded', 0)\n",
                                                 environment: ["PATH": "/usr/bin:/bin", "XDG_STATE_HOME": FileManager.default.temporaryDirectory.path])
        #expect(repl.stderr.hasPrefix("script error: tfscript: timeout"), "\(repl.stderr)")
    }

    @Test("on a terminal, text attributes are reset before the plan: a script's ESC[8m cannot conceal it")
    func attributesResetBeforePlan() async throws {
        let terminal = try ReplTerminal(
            ["run", "--simulator", "--dry-run", "-e", #"print("\27[8m") tf.endpoints.delete("ep-demo-08")"#], environment: [:])
        defer { terminal.terminate() }
        #expect(try await terminal.waitForExit() == 0)
        let output = terminal.output
        let conceal = try #require(output.range(of: "\u{1B}[8m"))
        let plan = try #require(output.range(of: "tfscript would perform"))
        let reset = try #require(output.range(of: "\u{1B}[0m", range: conceal.upperBound..<plan.lowerBound), "\(output.debugDescription)")
        #expect(reset.lowerBound > conceal.lowerBound)
    }

    @Test("the wait status line shows server names quoted and escaped")
    func waitLine() {
        for text in SpoofingText.strings {
            let wait = WaitProgress(waitID: 1, endpointID: text, name: text, target: "running", state: text, elapsed: .seconds(3), phase: .waiting)
            let line = WaitProgressDisplay.statusLine([wait])
            #expect(SpoofingText.rawControls(in: line, allowing: []).isEmpty, "\(line.debugDescription)")
            let several = WaitProgressDisplay.statusLine([wait, wait])
            #expect(SpoofingText.rawControls(in: several, allowing: []).isEmpty, "\(several.debugDescription)")
        }
    }

    @Test("the wait line shows ready of desired replicas and the time left")
    func waitLineReplicas() {
        let wait = WaitProgress(
            waitID: 1, endpointID: "ep-1", name: "web", target: "running", state: "starting", elapsed: .seconds(75), phase: .waiting,
            readyReplicas: 1, desiredReplicas: 2, timeout: .seconds(600))
        #expect(WaitProgressDisplay.statusLine([wait]) == "tfscript: waiting for \"web\" (ep-1) to be running: starting, ready 1/2, 1m15s (8m45s left)")
    }
}
