import Foundation
import TestSupport
import TFScriptJSON
import Testing
@testable import tfscript

/// `tfscript endpoints …` and `tfscript templates list` through the binary, against a
/// simulator the test reads back (issue 22, section 1): every command is a built-in script run
/// as `tfscript run` runs one, so validation, dry run, plans, guardrails and change reports are
/// the same.
struct EndpointsCommandTests {
    static func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    @Test("list prints a table with state, region, model, ready, min and max; filters and -o json narrow it")
    func list() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let table = try await api.tfscript(["endpoints", "list", "--base-url", api.baseURL])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            == ["name", "endpoint_id", "state", "region", "model", "ready", "min", "max"])
        #expect(lines.count == 2 + 12)
        #expect(lines.contains { $0.hasPrefix("test-qwen-ci ") && $0.contains(" ep-demo-07 ") })

        let filtered = try await api.tfscript(["endpoints", "list", "--base-url", api.baseURL, "--name", "test-*", "--state", "running", "-o", "json"])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        let names = try Self.json(filtered.stdout).arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["test-qwen-ci", "test-us-batch", "test-us-load"])
        let disabled = try await api.tfscript(["endpoints", "list", "--base-url", api.baseURL, "--enabled", "false", "-o", "jsonl"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(disabled.stdout.split(separator: "\n").allSatisfy { $0.contains("\"enabled\":false") })
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("get finds an endpoint by id or by name; an unknown one is an error naming it (exit 1)")
    func get() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let byName = try await api.tfscript(["endpoints", "get", "--base-url", api.baseURL, "prod-chat", "-o", "json"])
        let byID = try await api.tfscript(["endpoints", "get", "--base-url", api.baseURL, "ep-demo-01", "-o", "json"])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(try Self.json(byName.stdout)["endpoint_id"] == "ep-demo-01")
        #expect(byName.stdout == byID.stdout)
        let missing = try await api.tfscript(["endpoints", "get", "--base-url", api.baseURL, "no-such"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#"tfscript: endpoints get: no endpoint has the id or name "no-such" (tfscript endpoints list shows them)"#), "\(missing.stderr)")
        #expect(!missing.stderr.contains("traceback"))
    }

    @Test("a name two endpoints share is an error listing both ids, and nothing is changed")
    func ambiguousName() async throws {
        let twins: [JSONValue] = ["ep-a", "ep-b"].map { id in
            ["endpoint_id": .string(id), "name": "web", "status": "running", "region": "eu-west1", "enabled": true,
             "scaling": ["min_replicas": 1, "max_replicas": 2]]
        }
        let server = try FaultServer { request, _ in
            request.method == "GET" && request.path.hasPrefix("/v0/dedicated_endpoints")
                ? .json(200, ["endpoints": .array(twins)]) : .json(500, ["error": ["message": "unexpected"]])
        }
        defer { server.stop() }
        let result = try await TFScriptProcess.run(
            ["endpoints", "disable", "--base-url", server.baseURL, "web"], environment: FaultRig.environment())
        #expect(result.status == 1)
        #expect(result.stderr.contains(#"tfscript: endpoints disable: 2 endpoints are named "web" (ep-a, ep-b): name one by its id"#), "\(result.stderr)")
        #expect(server.log.allSatisfy { $0.method == "GET" })
    }

    @Test("patch --set is typed by field and sent once; scale, enable and disable patch the same way; each reports its change")
    func changes() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let patched = try await api.tfscript(
            ["endpoints", "patch", "--base-url", api.baseURL, "test-qwen-ci", "--set", "scaling.max_replicas=3", "--set", "description=123"])
        #expect(patched.status == 0, "\(patched.stderr)")
        #expect(patched.stderr.contains(#"~ patched "test-qwen-ci" (ep-demo-07): description "demo endpoint test-qwen-ci" → "123", scaling.max_replicas 1 → 3"#), "\(patched.stderr)")
        let scaled = try await api.tfscript(["endpoints", "scale", "--base-url", api.baseURL, "ep-demo-07", "--min", "1"])
        #expect(scaled.status == 0, "\(scaled.stderr)")
        let disabled = try await api.tfscript(["endpoints", "disable", "--base-url", api.baseURL, "test-qwen-ci", "-o", "json"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(try Self.json(disabled.stdout)["enabled"] == false)
        let enabled = try await api.tfscript(["endpoints", "enable", "--base-url", api.baseURL, "test-qwen-ci"])
        #expect(enabled.status == 0, "\(enabled.stderr)")
        #expect(await api.mutatingRequests() == Array(repeating: "PATCH /v0/dedicated_endpoints/ep-demo-07", count: 4))
        let now = try await api.tfscript(["endpoints", "get", "--base-url", api.baseURL, "ep-demo-07", "-o", "json"])
        let endpoint = try Self.json(now.stdout)
        #expect(endpoint["description"] == "123")
        #expect(endpoint["scaling"]?["min_replicas"] == 1)
        #expect(endpoint["scaling"]?["max_replicas"] == 3)
        #expect(endpoint["enabled"] == true)
    }

    @Test("--dry-run sends nothing and shows the plan; --plan-out saves it for apply, which then applies it")
    func dryRunAndPlan() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = FaultRig.temporaryPath("plan.json")
        let dry = try await api.tfscript(
            ["endpoints", "scale", "--base-url", api.baseURL, "prod-chat", "--min", "0", "--dry-run", "--plan-out", plan])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("  ~ patch \"prod-chat\" (ep-demo-01)\n      scaling.min_replicas: 2 → 0"), "\(dry.stderr)")
        #expect(dry.stderr.contains("Plan: 0 to create, 1 to change, 0 to delete."))
        #expect(await api.mutatingRequests().isEmpty)
        let applied = try await api.tfscript(["apply", "--yes", "--base-url", api.baseURL, plan])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(await api.mutatingRequests() == ["PATCH /v0/dedicated_endpoints/ep-demo-01"])
    }

    @Test("--journal records the command's change with the endpoint's name and the value it replaces; --max-changes 0 refuses it")
    func journalAndMaxChanges() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let result = try await api.tfscript(["endpoints", "disable", "--base-url", api.baseURL, "test-qwen-ci", "--journal", journal])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
        #expect(lines.map { $0["phase"] } == ["intent", "outcome"])
        #expect(lines[0]["name"] == "test-qwen-ci" && lines[0]["before"] == ["enabled": true] && lines[0]["body"] == ["enabled": false])
        let refused = try await api.tfscript(["endpoints", "enable", "--base-url", api.baseURL, "test-qwen-ci", "--max-changes", "0"])
        #expect(refused.status == 7, "\(refused.stderr)")
        #expect(await api.mutatingRequests() == ["PATCH /v0/dedicated_endpoints/ep-demo-07"])
    }

    @Test("--protect refuses a disable of a protected endpoint before anything is sent (exit 7)")
    func guardrails() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.tfscript(["endpoints", "disable", "--base-url", api.baseURL, "prod-chat", "--protect", "prod-*"])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.stderr.contains("is protected (it matches 'prod-*'): a run may not disable it"), "\(result.stderr)")
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("invalid fields are usage errors naming the flag, before any request (exit 2)", arguments: [
        (["patch", "x", "--set", "gpu_count=two"], "--set gpu_count: expects an integer, got 'two'"),
        (["patch", "x", "--set", "scaling.min_replicas=-1"], "--set scaling.min_replicas: must be an integer ≥ 0, got -1"),
        (["patch", "x", "--set", "colour=red"], "--set colour: not a field an endpoint has"),
        (["patch", "x", "--set", "enabled"], "--set expects FIELD=VALUE"),
        (["patch", "x"], "nothing to change: give --set FIELD=VALUE"),
        (["scale", "x"], "nothing to change: give --min N and/or --max N"),
        (["create", "--name", "web"], "spec model_name: is required"),
        (["wait", "x", "--for", "running", "--timeout", "soon"], "--timeout expects a duration"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let parsed = try #require(ParsedCommandLine.earlyExit(["endpoints"] + arguments))
        #expect(parsed.status == 2)
        #expect(parsed.message.contains(message), "\(parsed.message)")
    }

    @Test("delete asks on a terminal; without one it refuses unless --yes; --yes deletes")
    func delete() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let refused = try await api.tfscript(["endpoints", "delete", "--base-url", api.baseURL, "test-scratch"], stdin: "yes\n")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(#"refusing to delete "test-scratch" without confirmation: stdin is not a terminal"#), "\(refused.stderr)")
        #expect(await api.mutatingRequests().isEmpty)
        let deleted = try await api.tfscript(["endpoints", "delete", "--base-url", api.baseURL, "test-scratch", "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stderr.contains(#"- deleted "test-scratch" (ep-demo-08)"#), "\(deleted.stderr)")
        #expect(await api.mutatingRequests() == ["DELETE /v0/dedicated_endpoints/ep-demo-08"])
    }

    @Test("create from -f and flags (flags win), then wait for it to run; templates list shows ids and flavours")
    func createWaitTemplates() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let spec = try TFScriptProcess.writeTemporaryFile(named: "spec.json", contents: """
            {"name": "from-file", "model_name": "openai/gpt-oss-20b", "flavor_name": "base", "gpu_type": "gpu-h100-sxm",
             "gpu_count": 1, "region": "eu-west1", "scaling": {"min_replicas": 0, "max_replicas": 1}}
            """)
        let created = try await api.tfscript(
            ["endpoints", "create", "--base-url", api.baseURL, "-f", spec.path, "--name", "web-2", "--max", "2", "-o", "json"])
        #expect(created.status == 0, "\(created.stderr)")
        let endpoint = try Self.json(created.stdout)
        #expect(endpoint["name"] == "web-2")
        #expect(endpoint["scaling"]?["max_replicas"] == 2)
        #expect(created.stderr.contains(#"+ created "web-2""#), "\(created.stderr)")

        let waited = try await api.tfscript(["endpoints", "wait", "--base-url", api.baseURL, "web-2", "--for", "running", "--timeout", "30s"])
        #expect(waited.status == 0, "\(waited.stderr)")

        let templates = try await api.tfscript(["templates", "list", "--base-url", api.baseURL, "--region", "eu-west1"])
        #expect(templates.status == 0, "\(templates.stderr)")
        let header = templates.stdout.split(separator: "\n").first.map { $0.split(separator: " ").map(String.init) }
        #expect(header == ["template_id", "model", "flavor", "gpu_type", "gpus", "regions"])
    }

    @Test("--set values are typed by the field table, not guessed from the text")
    func typedAssignments() throws {
        let fields = try FieldAssignments.object(["description=123", "gpu_count=2", "enabled=FALSE", "scaling.min_replicas=0", "scaling.max_replicas=4"])
        #expect(fields == [
            "description": "123", "gpu_count": 2, "enabled": false,
            "scaling": ["min_replicas": 0, "max_replicas": 4],
        ])
    }
}
