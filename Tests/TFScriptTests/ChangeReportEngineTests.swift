import Synchronization
import Testing
import TestSupport
import TFScript
import TFScriptJSON

/// `ScriptOptions.changes` (issue 19, section 5): a live run tells its host of every change the
/// server accepted, with the body sent, the server's answer and the endpoint as the run last
/// read it; a dry run tells nothing (its plan holds the changes).
struct ChangeReportEngineTests {
    /// Runs `source` live with a collecting `changes` sink.
    static func changes(of source: String, dryRun: Bool = false) async throws -> (ScriptResult, [PlanOperation], SimulatedEngine) {
        let api = try await SimulatedEngine.start()
        let seen = Mutex<[PlanOperation]>([])
        let run = try await api.run(source) { options in
            options.dryRun = dryRun
            options.changes = { change in seen.withLock { $0.append(change) } }
        }
        return (run.result, seen.withLock { $0 }, api)
    }

    @Test("list then patch: the change carries the listed value as before, the body sent and the server's answer")
    func listThenPatch() async throws {
        let (result, changes, api) = try await Self.changes(of: """
            for _, ep in ipairs(tf.endpoints.list{name = "test-*", enabled = true}) do
              tf.endpoints.patch(ep, {enabled = false, scaling = {min_replicas = 0}})
            end
            """)
        defer { Task { await api.stop() } }
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        #expect(changes.map(\.target).sorted() == ["ep-demo-07", "ep-demo-11", "ep-demo-12"])
        for change in changes {
            #expect(change.kind == .patch)
            #expect(change.before?["enabled"] == .bool(true))
            #expect(change.before?["scaling"]?["min_replicas"] != nil)
            #expect(change.body == ["enabled": false, "scaling": ["min_replicas": 0]])
            #expect(change.after?["enabled"] == .bool(false))
            #expect(change.displayName?.hasPrefix("test-") == true)
        }
        #expect(await api.mutatingRequests().count == 3)
    }

    @Test("an endpoint the run never read has no before: the report does not guess")
    func unreadHasNoBefore() async throws {
        let (_, changes, api) = try await Self.changes(of: #"tf.endpoints.patch("ep-demo-02", {enabled = false})"#)
        defer { Task { await api.stop() } }
        #expect(changes.count == 1)
        #expect(changes.first?.before == nil)
        #expect(changes.first?.after?["name"] == "prod-embed-search")
    }

    @Test("create, patch of the created endpoint, then delete: each reported in order, with its id")
    func createPatchDelete() async throws {
        let (result, changes, api) = try await Self.changes(of: """
            local e = tf.endpoints.get("ep-demo-01")
            local c = tf.endpoints.create{name = "fresh", model_name = e.model_name, flavor_name = e.flavor_name,
              gpu_type = e.gpu_type, gpu_count = e.gpu_count, region = e.region, scaling = {min_replicas = 0, max_replicas = 1}}
            tf.endpoints.patch(c, {description = "x"})
            tf.endpoints.delete(c)
            """)
        defer { Task { await api.stop() } }
        #expect(result.exitCode == 0, "\(result.error ?? "")")
        #expect(changes.map(\.kind) == [.create, .patch, .delete])
        let id = changes.first?.target ?? ""
        #expect(id.hasPrefix("ep-") && changes.allSatisfy { $0.target == id })
        // The patch's before is the create's answer; the delete's, the patch's answer.
        #expect(changes[1].before?["name"] == "fresh")
        #expect(changes[2].before?["description"] == "x")
        #expect(changes.map(\.displayName) == ["fresh", "fresh", "fresh"])
    }

    @Test("refused and caught changes, and a dry run, report nothing")
    func nothingUnaccepted() async throws {
        let (refused, none, api) = try await Self.changes(of: #"print(pcall(tf.endpoints.delete, "ep-missing"))"#)
        defer { Task { await api.stop() } }
        #expect(refused.exitCode == 0)
        #expect(none.isEmpty)
        let (planned, dry, api2) = try await Self.changes(of: #"tf.endpoints.patch("ep-demo-02", {enabled = false})"#, dryRun: true)
        defer { Task { await api2.stop() } }
        #expect(planned.plan?.operations.count == 1)
        #expect(dry.isEmpty)
    }
}
