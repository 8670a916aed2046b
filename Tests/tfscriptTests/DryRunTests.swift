import ArgumentParser
import TestSupport
import Foundation
import TFScriptJSON
import Testing
@testable import tfscript
import TokenFactorySimulator

/// `--dry-run` as the binary shows it: the plan on stderr, `--plan-out`, `--detailed-exitcode`
/// and the README's quick start. Dry-run semantics are tested in-process (TFScriptTests'
/// DryRunEngineTests).
@Suite(.serialized)
struct DryRunTests {
    static var examplesFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
    }

    @Test("the plan on stderr has + ~ - entries, field changes and the summary line")
    func planText() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.endpoints.patch("ep-demo-07", {enabled = false, scaling = {max_replicas = 3}})
            tf.endpoints.delete("ep-demo-08")
            tf.endpoints.create{name = "n", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm", region = "eu-north1"}
            """, flags: ["--dry-run"])
        #expect(result.stderr.contains("""
              ~ patch "test-qwen-ci" (ep-demo-07)
                  enabled: true → false
                  scaling.max_replicas: 1 → 3
            """))
        #expect(result.stderr.contains("  - delete \"test-scratch\" (ep-demo-08)"))
        #expect(result.stderr.contains("  + create \"n\" (planned-1)\n      flavor_name = \"base\""))
        #expect(result.stderr.contains("Plan: 1 to create, 1 to change, 1 to delete."))
        #expect(result.stdout.isEmpty)
    }

    @Test("the plan's arrow is ASCII when the locale is not UTF-8")
    func asciiArrow() async throws {
        // The locale rule, in-process: the renderer `show` and the dry run share, for a saved plan.
        let plan = try TFScriptProcess.writeTemporaryFile(named: "plan.json", contents: """
            {"format_version": 1, "base_url": "http://127.0.0.1:1", "operations": [{"kind": "patch", "target": "ep-demo-07",
             "body": {"enabled": false}, "before": {"endpoint_id": "ep-demo-07", "name": "test-qwen-ci", "enabled": true},
             "after": {"endpoint_id": "ep-demo-07", "name": "test-qwen-ci", "enabled": false}}]}
            """)
        let show = try ShowCommand.parse([plan.path])
        for (locale, arrow) in [(nil, "->"), ("C", "->"), ("en_US.ISO-8859-1", "->"), ("en_US.UTF-8", "→")] as [(String?, String)] {
            let text = try show.output(environment: locale.map { ["LANG": $0] } ?? [:], terminal: false)
            #expect(text.contains("      enabled: true \(arrow) false\n"), "LANG=\(locale ?? "unset"): \(text)")
        }
        #expect(try show.output(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"], terminal: false).contains("enabled: true -> false"))

        // End to end once: the dry run's plan on stderr follows the process's locale; LC_ALL wins over LANG, as setlocale reads them.
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let script = try TFScriptProcess.writeTemporaryFile(named: "script.lua", contents: #"tf.endpoints.patch("ep-demo-07", {enabled = false})"#)
        let forced = try await api.tfscript(["run", "--base-url", api.baseURL, "--dry-run", script.path], extra: ["LC_ALL": "C", "LANG": "en_US.UTF-8"])
        #expect(forced.stderr.contains("enabled: true -> false"))
    }

    @Test("creates the catalogue does not offer fail before anything is sent, in dry-run and live alike")
    func catalogueErrors() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let source = """
            tf.endpoints.create{name = "ok", model_name = "Qwen/Qwen3-32B", flavor_name = "base", gpu_type = "gpu-h100-sxm"}
            tf.endpoints.create{name = "big", model_name = "openai/gpt-oss-120b", flavor_name = "base", gpu_type = "gpu-b200-sxm"}
            """
        for flags in [["--dry-run"], []] {
            let before = await api.mutatingRequests().count
            let result = try await api.run(source, flags: flags)
            #expect(result.status == 1)
            #expect(result.stderr.contains(
                #"script.lua:2: tf.endpoints.create: spec.gpu_type must be one of gpu-h100-sxm, gpu-h200-sxm for openai/gpt-oss-120b base, got "gpu-b200-sxm""#),
                "\(result.stderr)")
            // The live run sent the first (valid) create only; the dry run sent nothing.
            let posts = await api.mutatingRequests().count - before
            #expect(posts == (flags.isEmpty ? 1 : 0))
        }
    }

    @Test("a dry run refuses a create whose name exists, as the live run would (HTTP 409, exit 4)")
    func duplicateName() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let source = #"tf.endpoints.create{name = "prod-chat", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"}"#
        let dry = try await api.run(source, flags: ["--dry-run"])
        let live = try await api.run(source)
        for result in [dry, live] {
            #expect(result.status == 4)
            #expect(result.stderr.contains("script.lua:1: tf.endpoints.create: POST /v0/dedicated_endpoints: HTTP 409 already_exists: a dedicated endpoint named prod-chat already exists"), "\(result.stderr)")
        }
        // Only the dry run's refusal says it was found without sending anything.
        #expect(dry.stderr.contains("already exists (found in dry run: nothing was sent)"), "\(dry.stderr)")
        #expect(!live.stderr.contains("dry run"))
        #expect(await api.mutatingRequests() == ["POST /v0/dedicated_endpoints"])
    }

    @Test("a patch the live run is refused for (min above the stored max, a GPU type the template lacks) fails the dry run with the same status and exit 4")
    func patchRefusedAsLive() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let cases = [
            (#"tf.endpoints.patch("ep-demo-04", {scaling = {min_replicas = 3}})"#,
             "HTTP 400 invalid_argument: scaling.min_replicas must be ≤ scaling.max_replicas (1), got 3"),
            (#"tf.endpoints.patch("ep-demo-01", {gpu_type = "gpu-h100-sxm"})"#,
             "HTTP 422 failed_precondition: gpu_type must be one of gpu-h200-sxm, gpu-b200-sxm for openai/gpt-oss-120b fast, got \"gpu-h100-sxm\"; GET /v0/dedicated_endpoints/templates lists the valid combinations"),
        ]
        for (source, refusal) in cases {
            await api.simulator.clearRequestLog()
            let dry = try await api.run(source, flags: ["--dry-run"])
            #expect(dry.status == 4)
            #expect(dry.stderr.contains(refusal + " (found in dry run: nothing was sent)"), "\(dry.stderr)")
            #expect(!dry.stdout.contains("Plan:"), "\(dry.stdout)")
            #expect(await api.mutatingRequests().isEmpty)
            let live = try await api.run(source)
            #expect(live.status == 4)
            #expect(live.stderr.contains(refusal), "\(live.stderr)")
        }
    }

    @Test("--plan-out writes the plan JSON with before snapshots, base URL and no token")
    func planFile() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let planPath = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        let result = try await api.run(#"tf.endpoints.patch("ep-demo-01", {enabled = false})"#, flags: ["--dry-run", "--plan-out", planPath])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: planPath, encoding: .utf8)
        #expect(!text.contains(api.token))
        let plan = try JSONValue(parsing: text)
        #expect(plan["format_version"] == 1)
        #expect(plan["base_url"]?.stringValue == api.baseURL)
        #expect(plan["created_at"]?.stringValue != nil)
        let operation = plan["operations"]?.arrayValue?.first
        #expect(operation?["kind"] == "patch")
        #expect(operation?["target"] == "ep-demo-01")
        #expect(operation?["body"] == ["enabled": false])
        #expect(operation?["before"]?["enabled"] == true)
        #expect(operation?["before"]?["name"] == "prod-chat")
    }

    @Test("--detailed-exitcode: 0 when nothing is planned, 5 when changes are")
    func detailedExitCode() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let none = try await api.run(#"tf.endpoints.patch("ep-demo-01", {enabled = true})"#, flags: ["--dry-run", "--detailed-exitcode"])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stderr.contains("No changes."))
        let some = try await api.run(#"tf.endpoints.patch("ep-demo-01", {enabled = false})"#, flags: ["--dry-run", "--detailed-exitcode"])
        #expect(some.status == 5, "\(some.stderr)")
    }

    @Test("a failed script's plan is shown as incomplete and not saved")
    func failedScript() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let planPath = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        let result = try await api.run(#"tf.endpoints.patch("ep-demo-01", {enabled = false}); error("boom")"#, flags: ["--dry-run", "--plan-out", planPath])
        #expect(result.status == 1)
        #expect(result.stderr.contains("incomplete and was not saved"))
        #expect(!FileManager.default.fileExists(atPath: planPath))
    }

    @Test("the README quick-start command runs an example against the built-in simulator")
    func quickStart() async throws {
        let script = Self.examplesFolder.appendingPathComponent("nightly-scale-down.lua").path
        let result = try await TFScriptProcess.run(["run", "--simulator", "--dry-run", script])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("would be stopped"))
        #expect(result.stderr.contains("Plan: 0 to create, 3 to change, 0 to delete."))
    }
}
