import Foundation
import Synchronization
import Testing
import TestSupport
import TFScript
import TFScriptJSON
import TokenFactory

/// An operation the engine does not have, added the way a new real one would be: one
/// declaration (below) and a server that serves it (a test route). Nothing else in the package
/// knows about it, yet it goes through a live run, a dry run, the plan file, apply and resume.
extension EndpointOperation {
    /// `tf.endpoints.restart(id)`: `POST /v0/dedicated_endpoints/{id}/restart`. Not idempotent
    /// (a second restart restarts again), so never retried once it may have been sent.
    static let restart = EndpointOperation(
        name: "restart", effect: .action, done: "restarted",
        request: EndpointRequest(method: "POST", action: "restart", idempotent: false, answer: .endpoint),
        forbiddenWhenProtected: { _ in "restart it" })
}

@Suite(.serialized)
struct AddedOperationTests {
    static let operations = EndpointOperation.builtIn + [.restart]
    static let script = """
        local ep = tf.endpoints.get("ep-1")
        local restarted = tf.endpoints.restart(ep)
        print(restarted.name, restarted.state)
        """

    /// One endpoint, `ep-1` named `web`, and its restart route; the restarts it received, and
    /// `lose` first restarts whose answer it drops (as a lost connection would).
    final class RestartServer: Sendable {
        final class Counts: Sendable {
            let state: Mutex<(restarts: Int, lose: Int)>
            init(lose: Int) { state = Mutex((restarts: 0, lose: lose)) }
        }
        let server: FaultServer
        private let counts: Counts

        init(losingFirst lose: Int = 0) throws {
            let counts = Counts(lose: lose)
            self.counts = counts
            @Sendable func endpoint(_ status: String) -> JSONValue {
                ["endpoint_id": "ep-1", "name": "web", "status": .string(status), "model_name": "openai/gpt-oss-20b",
                 "flavor_name": "base", "gpu_type": "gpu-h100-sxm", "gpu_count": 1, "region": "eu-west1",
                 "enabled": true, "scaling": ["min_replicas": 1, "max_replicas": 2]]
            }
            server = try FaultServer { request, _ in
                switch request.line {
                case "GET /v0/dedicated_endpoints/ep-1":
                    return .json(200, endpoint("running"))
                case "GET /v0/dedicated_endpoints":
                    return .json(200, ["endpoints": [endpoint("running")]])
                case "POST /v0/dedicated_endpoints/ep-1/restart":
                    let lost = counts.state.withLock { state in
                        state.restarts += 1
                        guard state.lose > 0 else { return false }
                        state.lose -= 1
                        return true
                    }
                    return lost ? .close : .json(200, endpoint("restarting"))
                default:
                    return .json(404, ["error": ["code": "not_found", "message": .string("no route for \(request.line)")]])
                }
            }
        }

        var restarts: Int { counts.state.withLock { $0.restarts } }
        func engine() async throws -> ScriptEngine {
            try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        }
    }

    @Test("a live run calls tf.endpoints.restart, sends POST …/ep-1/restart once and reports the change")
    func liveRun() async throws {
        let rig = try RestartServer()
        defer { rig.server.stop() }
        let engine = try await rig.engine()
        let changes = Mutex<[PlanOperation]>([])
        var options = ScriptOptions()
        options.operations = Self.operations
        options.changes = { change in changes.withLock { $0.append(change) } }
        let result = await engine.run(.text(Self.script), options: options)
        try await engine.shutdown()
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        #expect(result.output == "web\trestarting\n")
        #expect(rig.server.lines == ["GET /v0/dedicated_endpoints/ep-1", "POST /v0/dedicated_endpoints/ep-1/restart"])
        let reported = changes.withLock { $0 }
        #expect(reported.map(\.kind) == [.restart])
        #expect(reported.map { PlanRenderer().changeLine($0) } == ["! restarted \"web\" (ep-1)"])
        #expect(result.changesSent == 1)
    }

    @Test("an engine without the operation has no such function, and a custom plane refuses it without sending")
    func unknownElsewhere() async throws {
        let rig = try RestartServer()
        defer { rig.server.stop() }
        let engine = try await rig.engine()
        let plain = await engine.run(.text("print(tf.endpoints.restart)"))
        #expect(plain.output == "nil\n")

        // A plane written against the three typed methods only (as embedders' are) still
        // compiles and refuses the new operation: nothing is sent.
        let custom = try await ScriptEngine(controlPlane: ThreeMethodPlane(inner: engine.liveControlPlane()))
        var options = ScriptOptions()
        options.operations = Self.operations
        let refused = await custom.run(.text("tf.endpoints.restart('ep-1')"), options: options)
        #expect(refused.exitCode == 2) // a configuration error, as for an API call without a token
        #expect(refused.error?.contains("tf.endpoints.restart: this control plane does not support the operation") == true, "\(refused.error ?? "")")
        #expect(!rig.server.lines.contains { $0.hasPrefix("POST") })
        try await custom.shutdown()
        try await engine.shutdown()
    }

    @Test("a dry run plans the restart without sending it; the plan shows it, and its JSON names it and reads back")
    func dryRunAndPlanFile() async throws {
        let rig = try RestartServer()
        defer { rig.server.stop() }
        let engine = try await rig.engine()
        var options = ScriptOptions()
        options.operations = Self.operations
        options.dryRun = true
        let result = await engine.run(.text(Self.script), options: options)
        try await engine.shutdown()
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        #expect(rig.restarts == 0)
        #expect(!rig.server.lines.contains { $0.hasPrefix("POST") })
        let plan = try #require(result.plan)
        #expect(plan.operations.map(\.kind) == [.restart])
        #expect(plan.operations.first?.target == "ep-1")
        #expect(plan.operations.first?.before?["name"] == "web")
        let text = PlanRenderer().render(plan)
        #expect(text.contains("  ! restart \"web\" (ep-1)\n"), "\(text)")
        #expect(plan.summaryLine == "Plan: 0 to create, 0 to change, 0 to delete, 1 to restart.")

        let json = plan.json
        #expect(json["operations"]?.arrayValue?.first?["kind"] == "restart")
        #expect(json["summary"]?["restart"] == 1)
        let text2 = try JSONValue(parsing: json.serializedBytes())
        #expect(try Plan(json: text2, operations: Self.operations).operations == plan.operations)
        // A tfscript that does not know the operation refuses the file instead of guessing.
        #expect(throws: PlanFormatError.self) { try Plan(json: text2) }
    }

    @Test("apply sends the planned restart once; resumed from its journal, it is not sent again")
    func applyAndResume() async throws {
        let rig = try RestartServer()
        defer { rig.server.stop() }
        let engine = try await rig.engine()
        defer { Task { try? await engine.shutdown() } }
        let plan = try await Self.plan(engine)

        let path = FaultRig.temporaryPath("journal.jsonl")
        let applier = engine.planApplier(journal: try Journal(path: path))
        #expect(try await applier.staleTargets(in: plan).isEmpty)
        let report = await applier.apply(plan) { _, _, _ in }
        #expect(report.applied == [1], "\(String(describing: report.failure))")
        #expect(rig.restarts == 1)

        let replay = try JournalReplay(path: path, plan: plan)
        #expect(replay.states[1] == .done(id: "ep-1"))
        let resume = try await applier.resume(plan, replay: replay)
        let again = await applier.apply(plan, resume: resume) { _, _, _ in }
        #expect(again.skipped == [1])
        #expect(rig.restarts == 1)
    }

    @Test("a restart whose answer was lost is journaled unknown; resume says an action leaves no trace and sends it again")
    func resumeAfterLostAnswer() async throws {
        let rig = try RestartServer(losingFirst: 1)
        defer { rig.server.stop() }
        let engine = try await rig.engine()
        defer { Task { try? await engine.shutdown() } }
        let plan = try await Self.plan(engine)

        let path = FaultRig.temporaryPath("journal.jsonl")
        let first = await engine.planApplier(journal: try Journal(path: path)).apply(plan) { _, _, _ in }
        #expect(first.failure?.index == 1)
        #expect(rig.restarts == 1) // not retried: a restart is not idempotent

        let replay = try JournalReplay(path: path, plan: plan)
        #expect(replay.states[1] == .unknown)
        let applier = engine.planApplier(journal: try Journal(path: path))
        let resume = try await applier.resume(plan, replay: replay)
        #expect(resume.done.isEmpty)
        #expect(resume.notes == ["#1 restart web: outcome unknown in the journal, and an action leaves no trace in the API; will be sent again"])
        let second = await applier.apply(plan, resume: resume) { _, _, _ in }
        #expect(second.applied == [1])
        #expect(rig.restarts == 2)
    }

    @Test("--protect refuses the operation by its own declaration, in a run and in a plan's check")
    func protection() async throws {
        let rig = try RestartServer()
        defer { rig.server.stop() }
        let engine = try await rig.engine()
        var options = ScriptOptions()
        options.operations = Self.operations
        options.guardrails = Guardrails(protect: ["web"])
        let result = await engine.run(.text(Self.script), options: options)
        try await engine.shutdown()
        #expect(result.exitCode == 7)
        #expect(result.error?.contains("tf.endpoints.restart: refused, nothing sent: endpoint web (ep-1) is protected (it matches 'web'): a run may not restart it") == true,
                "\(result.error ?? "")")
        #expect(rig.restarts == 0)
        let planned = PlanOperation(kind: .restart, target: "ep-1", body: nil, before: ["name": "web"], after: nil)
        #expect(options.guardrails.refusal(of: planned.kind, target: "ep-1", body: nil, endpoint: planned.before) != nil)
    }

    /// The plan a dry run of ``script`` makes.
    static func plan(_ engine: ScriptEngine) async throws -> Plan {
        var options = ScriptOptions()
        options.operations = operations
        options.dryRun = true
        let result = await engine.run(.text(script), options: options)
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        return try #require(result.plan)
    }
}

/// A custom control plane as an embedder writes one: the reads and the three typed changes.
struct ThreeMethodPlane: ControlPlane {
    let inner: any ControlPlane
    func listEndpoints() async throws -> [JSONValue] { try await inner.listEndpoints() }
    func endpoint(id: String) async throws -> JSONValue { try await inner.endpoint(id: id) }
    func listTemplates() async throws -> [JSONValue] { try await inner.listTemplates() }
    func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue { try await inner.createEndpoint(spec) }
    func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue { try await inner.patchEndpoint(id: id, patch) }
    func deleteEndpoint(id: String) async throws { try await inner.deleteEndpoint(id: id) }
}
