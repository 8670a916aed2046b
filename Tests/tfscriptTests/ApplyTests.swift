import TestSupport
import Foundation
import TFScriptJSON
import Testing
@testable import tfscript
import TokenFactorySimulator

/// `tfscript apply`: fresh plans apply, stale plans are refused, failures are reported.
@Suite(.serialized)
struct ApplyTests {
    private func makePlan(_ api: SimulatedAPI, _ source: String) async throws -> String {
        let planPath = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json").path
        let result = try await api.run(source, flags: ["--dry-run", "--plan-out", planPath])
        #expect(result.status == 0, "\(result.stderr)")
        return planPath
    }

    @Test("a fresh plan applies in order and the fleet ends as planned")
    func freshPlanApplies() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, """
            local new = tf.endpoints.create{name = "n", model_name = "openai/gpt-oss-20b", flavor_name = "base",
              gpu_type = "gpu-h100-sxm", region = "eu-north1"}
            tf.endpoints.patch(new.endpoint_id, {description = "made by apply"})
            tf.endpoints.patch("ep-demo-07", {enabled = false})
            tf.endpoints.delete("ep-demo-08")
            """)
        #expect(await api.mutatingRequests().isEmpty)
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", plan])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Apply complete: 4 of 4 operations applied."))
        let mutations = await api.mutatingRequests()
        #expect(mutations.count == 4)
        #expect(mutations[0] == "POST /v0/dedicated_endpoints")
        #expect(mutations[1].hasPrefix("PATCH /v0/dedicated_endpoints/") && !mutations[1].contains("planned-"))
        #expect(mutations[2] == "PATCH /v0/dedicated_endpoints/ep-demo-07")
        #expect(mutations[3] == "DELETE /v0/dedicated_endpoints/ep-demo-08")
        let fleet = await api.simulator.endpoints()
        #expect(fleet.contains { $0["name"] == "n" && $0["description"] == "made by apply" })
        #expect(!fleet.contains { $0["endpoint_id"] == "ep-demo-08" })
    }

    @Test("a stale plan is refused whole, listing what changed, and nothing is sent")
    func stalePlanRefused() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, """
            tf.endpoints.patch("ep-demo-07", {enabled = false})
            tf.endpoints.patch("ep-demo-01", {description = "x"})
            """)
        // Someone changes a target between plan and apply.
        _ = try await api.run(#"tf.endpoints.patch("ep-demo-01", {scaling = {max_replicas = 9}})"#)
        await api.simulator.clearRequestLog()
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", plan])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the plan is stale"))
        #expect(result.stderr.contains("#2 prod-chat (ep-demo-01): scaling.max_replicas was 6, now 9"))
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("a plan whose target was deleted, or whose create name now exists, is stale")
    func goneAndDuplicate() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, """
            tf.endpoints.patch("ep-demo-07", {enabled = false})
            tf.endpoints.create{name = "dup", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm", region = "eu-north1"}
            """)
        _ = try await api.run("""
            tf.endpoints.delete("ep-demo-07")
            tf.endpoints.create{name = "dup", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm", region = "eu-north1"}
            """)
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", plan])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ep-demo-07): the endpoint no longer exists"))
        #expect(result.stderr.contains("an endpoint named dup now exists"))
    }

    @Test("apply refuses, before sending anything, a plan whose patch the API would refuse against the merged endpoint or the catalogue")
    func invalidAgainstMerged() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let edits: [(JSONValue, String)] = [
            (["scaling": ["min_replicas": 3]],
             "operation #2, patch test-llama-eval (ep-demo-04), would be refused by the API (HTTP 400 invalid_argument): scaling.min_replicas must be ≤ scaling.max_replicas (1), got 3"),
            (["gpu_type": "gpu-b200-sxm"],
             "operation #2, patch test-llama-eval (ep-demo-04), would be refused by the API (HTTP 422 failed_precondition): region must be one of eu-west1, us-central1"),
        ]
        for (body, message) in edits {
            let path = try await makePlan(api, """
                tf.endpoints.patch("ep-demo-07", {enabled = false})
                tf.endpoints.patch("ep-demo-04", {description = "to be edited"})
                """)
            // A hand edit: the body is valid on its own, not against ep-demo-04 (scaling 0..1, eu-north1).
            var plan = try JSONValue(parsing: FileManager.default.contents(atPath: path)!)
            guard case .object(var object) = plan, case .array(var operations)? = object["operations"],
                  case .object(var second) = operations[1] else { Issue.record("unexpected plan shape"); return }
            second["body"] = body
            operations[1] = .object(second)
            object["operations"] = .array(operations)
            plan = .object(object)
            try Data(plan.serializedBytes()).write(to: URL(fileURLWithPath: path))
            let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("the plan is invalid, so nothing was applied: " + message), "\(result.stderr)")
            #expect(await api.mutatingRequests().isEmpty)
        }
    }

    @Test("observed state changing on its own does not make a plan stale")
    func observedStateIgnored() async throws {
        let api = try await SimulatedAPI.start(speed: 1)
        defer { Task { await api.stop() } }
        _ = try await api.run(#"tf.endpoints.patch("ep-demo-02", {scaling = {max_replicas = 5}})"#)  // now "updating"
        let plan = try await makePlan(api, #"tf.endpoints.patch("ep-demo-02", {description = "d"})"#)
        await api.simulator.advanceClock(by: 3600)  // the update finishes: status changes
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", plan])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("a failure part-way stops the apply and reports what was and was not applied")
    func partialFailure() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, """
            tf.endpoints.patch("ep-demo-07", {enabled = false})
            tf.endpoints.patch("ep-demo-11", {enabled = false})
            tf.endpoints.patch("ep-demo-12", {enabled = false})
            """)
        await api.simulator.setFaults([try Fault(parsing: "PATCH /v0/dedicated_endpoints/ep-demo-11 status=409")])
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", plan])
        #expect(result.status == 4)
        #expect(result.stderr.contains("operation #2 (patch test-us-batch) failed"))
        #expect(result.stderr.contains("Applied 1 of 3 operations: #1."))
        #expect(result.stderr.contains("Not applied: #3."))
        #expect(!(await api.mutatingRequests()).contains("PATCH /v0/dedicated_endpoints/ep-demo-12"))
    }

    @Test("without a terminal and without --yes, apply refuses and sends nothing")
    func needsConfirmation() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, #"tf.endpoints.patch("ep-demo-07", {enabled = false})"#)
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, plan], stdin: "yes\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("pass --yes"))
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("on a terminal, apply asks about one operation in the singular and applies it after 'yes'")
    func confirmOnTerminal() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, #"tf.endpoints.patch("ep-demo-07", {enabled = false})"#)
        let terminal = try ReplTerminal(["apply", "--base-url", api.baseURL, plan], environment: ["TOKEN_FACTORY_API_KEY": api.token])
        defer { terminal.terminate() }
        try await terminal.waitFor("Apply this operation to \(api.baseURL)? Only 'yes' is accepted: ")
        terminal.type("yes\r")
        try await terminal.waitFor("Apply complete: 1 of 1 operation applied.")
        #expect(try await terminal.waitForExit() == 0)
        #expect(await api.mutatingRequests() == ["PATCH /v0/dedicated_endpoints/ep-demo-07"])
    }

    @Test("a plan made against another base URL is refused unless allowed")
    func otherBaseURL() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let plan = try await makePlan(api, #"tf.endpoints.patch("ep-demo-07", {enabled = false})"#)
        let other = try await SimulatedAPI.start()
        defer { Task { await other.stop() } }
        let refused = try await other.tfscript(["apply", "--base-url", other.baseURL, "--yes", plan])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the plan was made against \(api.baseURL)"))
        let allowed = try await other.tfscript(["apply", "--base-url", other.baseURL, "--yes", "--allow-other-base-url", plan])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test("an unreadable or foreign plan file is a usage error naming the file", arguments: ["not json", #"{"x": 1}"#, #"{"format_version": 7, "base_url": "x", "operations": []}"#])
    func badPlanFile(contents: String) throws {
        let file = try TFScriptProcess.writeTemporaryFile(named: "plan.json", contents: contents)
        // apply and show read plans through PlanFile: a pure function of the file.
        #expect {
            _ = try PlanFile.read(file.path)
        } throws: { error in
            let failure = error as? CommandFailure
            return failure?.exitCode == 2 && failure?.message.contains("plan.json") == true
        }
    }

    @Test("apply of a file that is not a plan exits 2 naming it, before sending anything")
    func badPlanFileEndToEnd() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let file = try TFScriptProcess.writeTemporaryFile(named: "plan.json", contents: "not json")
        let result = try await api.tfscript(["apply", "--base-url", api.baseURL, "--yes", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("plan.json"))
        #expect(await api.requestCount() == 0)
    }
}
