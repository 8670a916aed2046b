import TestSupport
import Foundation
import TFScriptJSON
import Testing
import TokenFactorySimulator

/// `--journal` and the promise that the token never shows up anywhere.
@Suite(.serialized)
struct JournalAndSecretTests {
    @Test("--journal writes an intent line before each mutation and an outcome line after, with no token")
    func journal() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        let result = try await api.run("""
            tf.endpoints.list()
            tf.endpoints.patch("ep-demo-07", {enabled = false})
            pcall(tf.endpoints.delete, "ep-nope")
            tf.endpoints.delete("ep-demo-08")
            """, flags: ["--journal", journal])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(!text.contains(api.token))
        let lines = try text.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(lines.count == 6)
        #expect(lines.map { $0["phase"]?.stringValue ?? "" } == ["intent", "outcome", "intent", "outcome", "intent", "outcome"])
        #expect(lines.map { $0["seq"]?.integerValue ?? 0 } == [1, 1, 2, 2, 3, 3])
        #expect(lines[0]["operation"] == "patch" && lines[0]["target"] == "ep-demo-07" && lines[0]["body"] == ["enabled": false])
        #expect(lines[1]["outcome"] == "ok" && lines[1]["id"] == "ep-demo-07" && lines[1]["attempts"] == 1)
        #expect(lines[3]["operation"] == "delete" && lines[3]["outcome"] == "failed" && lines[3]["http_status"] == 404)
        #expect(lines[5]["operation"] == "delete" && lines[5]["target"] == "ep-demo-08" && lines[5]["outcome"] == "ok")
        #expect(lines.allSatisfy { $0["time"]?.stringValue != nil && $0["run"] == lines[0]["run"] })
        // The list read them first, so intents name the endpoint and a patch says what it replaces.
        #expect(lines[0]["name"] == "test-qwen-ci" && lines[0]["before"] == ["enabled": true])
        #expect(lines[4]["name"] == "test-scratch" && lines[4]["before"] == nil)
    }

    @Test("journal intents of apply name the endpoint and the values each patch replaces, from the plan")
    func applyIntents() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = FaultRig.temporaryPath("plan.json")
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let dry = try await api.run("tf.endpoints.patch('ep-demo-01', {scaling = {min_replicas = 1}})", flags: ["--dry-run", "--plan-out", plan])
        #expect(dry.status == 0, "\(dry.stderr)")
        let applied = try await api.tfscript(["apply", "--yes", "--base-url", api.baseURL, "--journal", journal, plan])
        #expect(applied.status == 0, "\(applied.stderr)")
        let intent = try #require(try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").first.map { try JSONValue(parsing: String($0)) })
        #expect(intent["phase"] == "intent")
        #expect(intent["name"] == "prod-chat")
        #expect(intent["before"] == ["scaling": ["min_replicas": 2]])
    }

    @Test("the token never appears in stdout, stderr, plan or journal, even with verbose logs and errors")
    func tokenNeverShown() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        let script = """
            print(tf.json.encode(tf.endpoints.list()))
            pcall(tf.endpoints.get, "ep-nope")
            tf.endpoints.patch("ep-demo-07", {enabled = false})
            """
        let dry = try await api.run(script, flags: ["--dry-run", "--plan-out", plan, "--verbose"])
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        let real = try await api.run(script + "\ntf.endpoints.get('ep-nope')", flags: ["--journal", journal, "--verbose", "--log-format", "json"])
        #expect(real.status == 4)
        for output in [dry.stdout, dry.stderr, real.stdout, real.stderr,
                       try String(contentsOfFile: plan, encoding: .utf8), try String(contentsOfFile: journal, encoding: .utf8)] {
            #expect(!output.contains(api.token))
        }
    }

    @Test("--env cannot hand the token to a script", arguments: ["TOKEN_FACTORY_API_KEY", "API_TOKEN", "NEBIUS_API_KEY"])
    func envRefusesToken(name: String) throws {
        // Refused while parsing: the script never runs, so it cannot print the token.
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--env", name, "s.lua"]))
        #expect(result.status == 2)
        #expect(result.message.contains("--env \(name)"))
    }

    @Test("--journal with --dry-run is a usage error (a dry run sends nothing)")
    func journalWithDryRun() throws {
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--simulator", "--dry-run", "--journal", "/tmp/x.jsonl", "s.lua"]))
        #expect(result.status == 2)
    }

    @Test("tf.log writes to stderr, never stdout; --log-format json writes one object per line")
    func logging() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let text = try await api.run(#"tf.log.info("hello %s", "there"); tf.log.debug("hidden")"#)
        #expect(text.stdout.isEmpty)
        #expect(text.stderr.contains("[info] hello there"))
        #expect(!text.stderr.contains("hidden"))
        let json = try await api.run(#"tf.log.warn("n=%d", 3)"#, flags: ["--log-format", "json"])
        let line = try #require(json.stderr.split(separator: "\n").first { $0.hasPrefix("{") })
        let record = try JSONValue(parsing: String(line))
        #expect(record["level"] == "warning")
        #expect(record["message"] == "n=3")
        let quiet = try await api.run(#"tf.log.info("x"); tf.log.error("bad")"#, flags: ["--quiet"])
        #expect(!quiet.stderr.contains("[info]"))
        #expect(quiet.stderr.contains("[error] bad"))
    }
}

/// `tf.log` shares the output cap with `print`.
@Suite(.serialized)
struct LogCapTests {
    @Test("tf.log past --max-output is truncated once, with a warning, and the run goes on")
    func logCap() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "log.lua", contents: """
            for i = 1, 1000 do tf.log.info("line %d %s", i, string.rep("x", 100)) end
            print("done")
            """)
        let result = try await TFScriptProcess.run(["run", "--max-output", "2K", script.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "done\n")
        #expect(result.stderr.contains("tf.log output truncated"))
        #expect(!result.stderr.contains("line 1000 "))
        #expect(result.stderr.utf8.count < 8_000)
    }
}
