import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

/// The counts a scheduled run reports come from the engine (``ScriptResult``), not the CLI:
/// changes sent, changes planned, retries, and the failure's parts.
struct RunStatisticsTests {
    @Test("a live run counts the changes it sent, refused ones included, and the retries its calls took")
    func liveCounts() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        await api.simulator.setFaults([
            try Fault(parsing: "GET /v0/dedicated_endpoints 503 times=1"),
            try Fault(parsing: "PATCH /v0/dedicated_endpoints/ep-demo-02 status=409"),
        ])
        let run = try await api.run("""
            tf.endpoints.list()
            tf.endpoints.patch("ep-demo-01", {enabled = false})
            pcall(tf.endpoints.patch, "ep-demo-02", {enabled = false})      -- sent, refused (409)
            pcall(tf.endpoints.patch, "ep-demo-03", {region = "us-central1"}) -- never sent
            """)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.result.changesSent == 2)
        #expect(run.result.changesPlanned == 0)
        #expect(run.result.retries == 1)
        #expect(run.result.failure == nil)
    }

    @Test("a dry run plans instead of sending; concurrent runs on one engine keep their own counts")
    func dryRunAndConcurrentCounts() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        async let planned = api.run("for i = 1, 3 do tf.endpoints.patch(('ep-demo-0%d'):format(i), {enabled = false}) end") { $0.dryRun = true }
        async let live = api.run("tf.endpoints.delete('ep-demo-09')")
        let (dry, real) = try await (planned, live)
        #expect(dry.result.changesPlanned == 3 && dry.result.changesSent == 0)
        #expect(real.result.changesSent == 1 && real.result.changesPlanned == 0)
    }

    @Test("a script error's parts: message, script, line and traceback frames")
    func failureParts() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let thrown = try await api.run("local function f()\n  error('bad thing')\nend\nf()\n")
        let failure = try #require(thrown.result.failure)
        #expect(failure.message == "bad thing")
        #expect(failure.script == "script.lua")
        #expect(failure.line == 2)
        #expect(failure.traceback.contains("script.lua:4: in main chunk"))

        let table = try await api.run("\nerror({code = 1})\n")
        let tableFailure = try #require(table.result.failure)
        #expect(tableFailure.script == "script.lua" && tableFailure.line == 2, "position taken from the traceback")

        let limit = try await api.run("while true do end") { $0.timeout = .milliseconds(100) }
        #expect(limit.result.failure?.message == limit.result.error)
        #expect(limit.result.failure?.line == nil)
    }

    @Test("a session statement reports its own changes sent and retries, as a run does (one composition for both)")
    func sessionCounts() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        await api.simulator.setFaults([try Fault(parsing: "PATCH /v0/dedicated_endpoints/ep-demo-01 503 times=1")])
        let seen = Mutex<[String]>([])
        var options = ScriptOptions()
        options.changes = { change in seen.withLock { $0.append(change.target) } }
        let session = try await api.engine.session(options)
        let first = await session.evaluate("tf.endpoints.patch('ep-demo-01', {enabled = false}); tf.endpoints.delete('ep-demo-09')")
        #expect(first.exitCode == 0, "\(first.error ?? "")")
        #expect(first.changesSent == 2)
        #expect(first.retries == 1)
        let second = await session.evaluate("return #tf.endpoints.list()")
        #expect(second.changesSent == 0 && second.retries == 0)
        #expect(seen.withLock { $0 } == ["ep-demo-01", "ep-demo-09"])
        await session.close()
    }

    @Test("a guardrail refusal a session statement caught still ends that statement with exit 7")
    func sessionGuardrail() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        var options = ScriptOptions()
        options.guardrails = Guardrails(maxChanges: nil, protect: ["prod-*"])
        let session = try await api.engine.session(options)
        let caught = await session.evaluate("print(pcall(tf.endpoints.delete, 'ep-demo-01'))")
        #expect(caught.exitCode == 7, "\(caught.error ?? "")")
        #expect(caught.status == .guardrailRefused)
        let next = await session.evaluate("tf.endpoints.patch('ep-demo-01', {description = 'fine'})")
        #expect(next.exitCode == 0, "\(next.error ?? "")")
        #expect(await api.mutatingRequests().count == 1)
        await session.close()
    }
}
