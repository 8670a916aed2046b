import Foundation
import TestSupport
import TFScriptJSON
import Testing

/// Issue 19, section 5: `tfscript show PLAN.json` prints a saved plan as the dry run printed it.
struct ShowCommandTests {
    @Test("show prints the saved plan exactly as the dry run printed it; -o json the plan's document")
    func showMatchesDryRun() async throws {
        let plan = FaultRig.temporaryPath("plan.json")
        let script = """
            tf.endpoints.patch("ep-demo-01", {enabled = false, description = "night"})
            tf.endpoints.delete("ep-demo-07")
            """
        let dry = try await TFScriptProcess.run(["run", "--simulator", "--dry-run", "--plan-out", plan, "-e", script])
        #expect(dry.status == 0, "\(dry.stderr)")
        let shown = try await TFScriptProcess.run(["show", plan])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(!shown.stdout.isEmpty)
        #expect(dry.stderr.contains(shown.stdout), "dry run:\n\(dry.stderr)\nshow:\n\(shown.stdout)")
        #expect(shown.stdout.hasSuffix("Plan: 0 to create, 1 to change, 1 to delete.\n"))

        let json = try await TFScriptProcess.run(["show", "-o", "json", plan])
        #expect(json.status == 0, "\(json.stderr)")
        let saved = try JSONValue(parsing: Array(Data(contentsOf: URL(fileURLWithPath: plan))))
        let printed = try JSONValue(parsing: json.stdout)
        #expect(printed["operations"] == saved["operations"])
        #expect(printed["base_url"] == saved["base_url"])
    }

    @Test("show of a file that is not a plan is a usage error naming the file")
    func notAPlan() async throws {
        let file = try TFScriptProcess.writeTemporaryFile(named: "x.json", contents: "{\"x\": 1}")
        let result = try await TFScriptProcess.run(["show", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(file.path), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
