import Foundation
import TestSupport
import TFScriptJSON
import Testing

/// `--record` and `--replay` (issue 23, section 2): a run's API exchanges kept in a cassette,
/// then answered from it with no network at all; the token is never written.
struct CassetteTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/nightly-scale-down.lua").path

    /// A user's environment without any token: a replay needs none.
    static let environment = TFScriptProcess.baseEnvironment.merging(["LANG": "C.UTF-8"]) { _, new in new }

    /// Log lines without their timestamps (the only thing two runs may differ in).
    static func untimed(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map { line in
            line.count > 21 && line.dropFirst(4).first == "-" ? String(line.dropFirst(21)) : String(line)
        }
    }

    @Test("a dry run recorded against the API replays with the server gone: same output, same log, same plan")
    func recordThenReplay() async throws {
        let api = try await SimulatedAPI.start()
        let cassette = FaultRig.temporaryPath("nightly.json")
        let (planA, planB) = (FaultRig.temporaryPath("a.json"), FaultRig.temporaryPath("b.json"))
        let recorded = try await api.tfscript(
            ["run", "--base-url", api.baseURL, "--record", cassette, "--dry-run", "--plan-out", planA, Self.example])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let requests = await api.requestCount()
        await api.stop()

        let replayed = try await TFScriptProcess.run(
            ["run", "--replay", cassette, "--base-url", api.baseURL, "--dry-run", "--plan-out", planB, Self.example],
            environment: Self.environment)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout == recorded.stdout)
        #expect(Self.untimed(replayed.stderr).filter { !$0.contains("Plan saved to") }
            == Self.untimed(recorded.stderr).filter { !$0.contains("Plan saved to") })
        let a = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: planA))))
        let b = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: planB))))
        #expect(a["operations"] == b["operations"])
        #expect(a["operations"]?.arrayValue?.count == 3)

        let file = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: cassette))))
        #expect(file["format"] == "tfscript-cassette" && file["format_version"] == 1)
        #expect(file["exchanges"]?.arrayValue?.count == requests)
        #expect(FaultRig.mode(cassette) == 0o600)
    }

    @Test("a live run replayed sends nothing and reports the same changes; a request the cassette lacks fails naming the closest")
    func liveReplayAndMiss() async throws {
        let api = try await SimulatedAPI.start()
        let cassette = FaultRig.temporaryPath("live.json")
        let script = "tf.endpoints.patch(tf.endpoints.get('ep-demo-07'), {enabled = false})"
        let recorded = try await api.tfscript(["run", "--base-url", api.baseURL, "--record", cassette, "-e", script])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        await api.stop()
        let replayed = try await TFScriptProcess.run(["run", "--replay", cassette, "-e", script], environment: Self.environment)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stderr.contains(#"~ patched "test-qwen-ci" (ep-demo-07): enabled true → false"#), "\(replayed.stderr)")

        let changed = try await TFScriptProcess.run(
            ["run", "--replay", cassette, "-e", "tf.endpoints.patch(tf.endpoints.get('ep-demo-07'), {enabled = true})"],
            environment: Self.environment)
        #expect(changed.status == 2, "\(changed.stderr)")
        #expect(changed.stderr.contains("the cassette holds no answer for PATCH /v0/dedicated_endpoints/ep-demo-07 with this body; "
            + #"the closest it holds is PATCH /v0/dedicated_endpoints/ep-demo-07 with body {"enabled":false}"#), "\(changed.stderr)")
    }

    @Test("the cassette never holds the token, even when the server echoes it back")
    func tokenNeverRecorded() async throws {
        let server = try FaultServer { request, _ in
            let echoed = request.headers["authorization"] ?? ""
            return .json(200, ["endpoints": [["endpoint_id": "ep-1", "name": .string("echo \(echoed)"), "status": "running"]],
                               "note": .string(echoed)])
        }
        defer { server.stop() }
        let cassette = FaultRig.temporaryPath("echo.json")
        let result = try await TFScriptProcess.run(
            ["run", "--base-url", server.baseURL, "--record", cassette, "-e", "print(#tf.endpoints.list())"], environment: FaultRig.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: cassette, encoding: .utf8)
        #expect(!text.contains(FaultRig.token))
        #expect(!text.lowercased().contains("authorization"))
        // Decoded too: the token has characters JSON escapes, so the file's text alone could hide it.
        var strings: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let string): strings.append(string)
            case .array(let items): items.forEach(collect)
            case .object(let members): members.forEach { strings.append($0.key); collect($0.value) }
            default: break
            }
        }
        collect(try JSONValue(parsing: Array(text.utf8)))
        #expect(!strings.contains { $0.contains(FaultRig.token) }, "\(strings)")
        #expect(strings.contains("Bearer [REDACTED]"), "the echo is kept, redacted: \(strings)")
    }

    @Test("--record and --replay are usage errors together, with --simulator, or with an unusable cassette (exit 2)")
    func usage() async throws {
        let both = try #require(ParsedCommandLine.earlyExit(["run", "--record", "a.json", "--replay", "b.json", "-e", "1"]))
        #expect(both.status == 2 && both.message.contains("--record and --replay exclude each other"))
        let simulated = try #require(ParsedCommandLine.earlyExit(["run", "--simulator", "--replay", "b.json", "-e", "1"]))
        #expect(simulated.status == 2 && simulated.message.contains("not --simulator"))
        let bogus = try TFScriptProcess.writeTemporaryFile(named: "bogus.json", contents: #"{"format": "other"}"#)
        let refused = try await TFScriptProcess.run(["run", "--replay", bogus.path, "-e", "1"], environment: Self.environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not a usable cassette: format is not \"tfscript-cassette\""), "\(refused.stderr)")
    }
}
