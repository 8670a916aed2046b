import Foundation
import Testing
import TestSupport
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

/// A dry run refuses what the live run would be refused for, with the API's own words, kind
/// and status, and says it found the refusal itself (nothing was sent). Each case runs the same
/// script twice against the same simulator state: once dry, once live; the verdicts must match.
struct DryRunRefusalTests {
    /// Runs `source` dry, then live, on fresh simulators with the same demo fleet, and returns
    /// both runs' stdout (the script prints what it needs to compare).
    private func dryAndLive(_ source: String) async throws -> (dry: SimulatedEngine.Run, live: SimulatedEngine.Run, sentDry: [String]) {
        let dryAPI = try await SimulatedEngine.start()
        defer { Task { await dryAPI.stop() } }
        let dry = try await dryAPI.run(source, { $0.dryRun = true })
        let sentDry = await dryAPI.mutatingRequests()
        let liveAPI = try await SimulatedEngine.start()
        defer { Task { await liveAPI.stop() } }
        let live = try await liveAPI.run(source)
        return (dry, live, sentDry)
    }

    /// Prints `kind status dry_run` then the message of the error `call` raises.
    private static func probe(_ call: String) -> String {
        """
        local ok, err = pcall(function() \(call) end)
        print(ok, err.kind, err.status, err.dry_run)
        print(err.message)
        """
    }

    @Test("min_replicas above the endpoint's stored max_replicas is refused in dry run as live (400)")
    func mergedMinAboveMax() async throws {
        // ep-demo-04 (test-llama-eval) has scaling 0..1.
        let runs = try await dryAndLive(Self.probe(#"tf.endpoints.patch("ep-demo-04", {scaling = {min_replicas = 3}})"#))
        #expect(runs.sentDry.isEmpty)
        let dryLines = runs.dry.stdout.split(separator: "\n")
        let liveLines = runs.live.stdout.split(separator: "\n")
        #expect(dryLines.first == "false\tapi\t400\ttrue", "\(runs.dry.stdout)")
        #expect(liveLines.first == "false\tapi\t400\tnil", "\(runs.live.stdout)")
        let message = "HTTP 400 invalid_argument: scaling.min_replicas must be ≤ scaling.max_replicas (1), got 3"
        #expect(runs.dry.stdout.contains(message + " (found in dry run: nothing was sent)"))
        #expect(runs.live.stdout.contains(message) && !runs.live.stdout.contains("dry run"))
    }

    @Test("a patch is checked against the endpoint as an earlier planned patch left it")
    func mergedAfterEarlierPatch() async throws {
        // ep-demo-01 (prod-chat) has scaling 2..6: lowering max to 1 alone is refused (min 2);
        // lowering min to 0 first makes it valid; then raising min to 3 is refused (max now 1).
        let source = """
            tf.endpoints.patch("ep-demo-01", {scaling = {min_replicas = 0}})
            tf.endpoints.patch("ep-demo-01", {scaling = {max_replicas = 1}})
            \(Self.probe(#"tf.endpoints.patch("ep-demo-01", {scaling = {min_replicas = 3}})"#))
            """
        let runs = try await dryAndLive(source)
        #expect(runs.dry.status == 0 && runs.live.status == 0, "\(runs.dry.stderr) \(runs.live.stderr)")
        #expect(runs.dry.stdout.hasPrefix("false\tapi\t400\ttrue\n"), "\(runs.dry.stdout)")
        #expect(runs.live.stdout.hasPrefix("false\tapi\t400\tnil\n"), "\(runs.live.stdout)")
        #expect(runs.dry.stdout.contains("scaling.min_replicas must be ≤ scaling.max_replicas (1), got 3"))
        #expect(runs.dry.result.plan?.operations.count == 2)
        // And the other direction: max below the merged min.
        let other = try await dryAndLive(Self.probe(#"tf.endpoints.patch("ep-demo-01", {scaling = {max_replicas = 1}})"#))
        #expect(other.dry.stdout.contains("scaling.max_replicas must be ≥ scaling.min_replicas (2), got 1 (found in dry run"))
        #expect(other.live.stdout.contains("scaling.max_replicas must be ≥ scaling.min_replicas (2), got 1"))
    }

    @Test("a patch to a GPU type, flavor, GPU count or model the catalogue does not offer is refused in dry run as live (422)",
          arguments: [
            #"{gpu_type = "gpu-h100-sxm"}"#,  // gpt-oss-120b fast: h200, b200 only
            #"{flavor_name = "base", gpu_type = "gpu-b200-sxm"}"#,
            #"{gpu_count = 3}"#,
            #"{model_name = "no/such-model"}"#,
          ])
    func catalogue(fields: String) async throws {
        let runs = try await dryAndLive(Self.probe(#"tf.endpoints.patch("ep-demo-01", \#(fields))"#))
        #expect(runs.sentDry.isEmpty)
        #expect(runs.dry.stdout.hasPrefix("false\tapi\t422\ttrue\n"), "\(runs.dry.stdout)")
        #expect(runs.live.stdout.hasPrefix("false\tapi\t422\tnil\n"), "\(runs.live.stdout)")
        // The same API message, word for word, plus the dry-run note.
        let liveMessage = runs.live.stdout.split(separator: "\n").dropFirst().joined(separator: "\n")
        let dryMessage = runs.dry.stdout.split(separator: "\n").dropFirst().joined(separator: "\n")
        let apiPart = liveMessage.components(separatedBy: ". Fix the request")[0]
        #expect(apiPart.contains("HTTP 422 failed_precondition:"))
        #expect(dryMessage.contains(apiPart + " (found in dry run: nothing was sent)"), "\(dryMessage) vs \(liveMessage)")
        #expect(runs.dry.result.plan?.operations.isEmpty ?? true)
    }

    @Test("a patch the catalogue offers plans normally, and reads the catalogue once")
    func catalogueAllows() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.endpoints.patch("ep-demo-02", {gpu_type = "gpu-h200-sxm"})
            tf.endpoints.patch("ep-demo-02", {gpu_count = 4})
            """, { $0.dryRun = true })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.result.plan?.operations.count == 2)
        let templateReads = await api.simulator.requestLog().filter { $0.path.hasSuffix("/templates") }.count
        #expect(templateReads == 1)
    }

    @Test("an uncaught refusal found in dry run says so and exits as the live refusal does (4)")
    func uncaughtWording() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run(#"tf.endpoints.patch("ep-demo-04", {scaling = {min_replicas = 3}})"#, { $0.dryRun = true })
        #expect(result.status == 4)
        #expect(result.stderr.contains("PATCH /v0/dedicated_endpoints/ep-demo-04: HTTP 400 invalid_argument: scaling.min_replicas must be ≤ scaling.max_replicas (1), got 3 (found in dry run: nothing was sent)"), "\(result.stderr)")
        // A duplicate-name create too: it never reached the API, and says so.
        let duplicate = try await api.run("""
            tf.endpoints.create{name = "prod-chat", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"}
            """, { $0.dryRun = true })
        #expect(duplicate.status == 4)
        #expect(duplicate.stderr.contains("HTTP 409 already_exists: a dedicated endpoint named prod-chat already exists (found in dry run: nothing was sent)"), "\(duplicate.stderr)")
        #expect(await api.mutatingRequests().isEmpty)
    }
}
