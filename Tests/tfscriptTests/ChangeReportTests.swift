import Foundation
import TestSupport
import TFScriptJSON
import Testing

/// A live `tfscript run` reports each change it made and a total, as `terraform apply` does
/// (issue 19, section 5); `-q` silences them; `--log-format json` makes them records.
struct ChangeReportTests {
    static let nightly = """
        for _, ep in ipairs(tf.endpoints.list{name = "test-*", enabled = true}) do tf.endpoints.patch(ep, {enabled = false}) end
        """

    @Test("each change on its own line with before → after, then Applied: with the counts")
    func linesAndTotal() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run(Self.nightly + #"; tf.endpoints.delete("ep-demo-10")"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(#"~ patched "test-qwen-ci" (ep-demo-07): enabled true → false"#), "\(result.stderr)")
        // The list read every endpoint (the filter applies after), so the delete has its name too.
        #expect(result.stderr.contains(#"- deleted "staging-us-llama" (ep-demo-10)"#), "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("~ patched ") }.count == 3)
        #expect(lines.last == "Applied: 0 created, 3 changed, 1 deleted", "\(result.stderr)")
    }

    @Test("-q prints neither the change lines nor the total; a read-only run and a dry run print no total")
    func quietAndNothing() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let quiet = try await api.run(Self.nightly, flags: ["-q"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(!quiet.stderr.contains("patched") && !quiet.stderr.contains("Applied:"), "\(quiet.stderr)")
        let read = try await api.run("return #tf.endpoints.list()")
        #expect(!read.stderr.contains("Applied:"), "\(read.stderr)")
        let dry = try await api.run(#"tf.endpoints.patch("ep-demo-02", {enabled = false})"#, flags: ["--dry-run"])
        #expect(dry.stderr.contains("~ patch \"prod-embed-search\""), "\(dry.stderr)")
        #expect(!dry.stderr.contains("Applied:") && !dry.stderr.contains("patched"), "\(dry.stderr)")
    }

    @Test("--log-format json: one change record per change and a changes.applied record, every line JSON")
    func jsonRecords() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run(Self.nightly + #"; print(pcall(tf.endpoints.delete, "ep-missing"))"#, flags: ["--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try result.stderr.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        let changes = records.filter { $0["event"] == "change" }
        #expect(changes.count == 3)
        #expect(changes.allSatisfy { $0["operation"] == "patch" && $0["target"]?.stringValue?.hasPrefix("ep-demo-") == true })
        let total = records.first { $0["event"] == "changes.applied" }
        #expect(total?["changed"] == 3 && total?["unconfirmed"] == 1, "\(result.stderr)")
    }
}
