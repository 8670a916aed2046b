import TestSupport
import Foundation
import TFScriptJSON
import Testing
import TokenFactorySimulator

/// `--log-format json`: every line on stderr is one JSON object, whatever happened, and the
/// last is the `run.end` summary with the engine's counts.
@Suite
struct JSONLogFormatTests {
    @Test("a dry run with a retry: log records, the retry warning, the plan and the summary are all JSON")
    func dryRunWithRetry() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        await api.simulator.setFaults([try Fault(parsing: "GET /v0/dedicated_endpoints 503 times=1")])
        let result = try await api.run("""
            tf.log.info("stopping %d endpoints", 2)
            tf.endpoints.list()
            for _, id in ipairs{"ep-demo-01", "ep-demo-02"} do
              tf.endpoints.patch(id, {enabled = false})
            end
            """, flags: ["--dry-run", "--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let stderr = try StderrRecords(result.stderr)
        #expect(stderr.records.allSatisfy { $0["time"]?.stringValue != nil && $0["level"]?.stringValue != nil && $0["event"]?.stringValue != nil })

        let log = try #require(stderr.events("log").first { $0["logger"] == "tfscript" })
        #expect(log["message"] == "stopping 2 endpoints")
        let retry = try #require(stderr.events("log").first { $0["message"] == "retrying a failed API call" })
        #expect(retry["level"] == "warning")
        #expect(retry["tokenfactory.operation"] == "GET /v0/dedicated_endpoints")
        #expect(retry["tokenfactory.reason"] == "HTTP 503")
        #expect(retry["tokenfactory.attempt"] == "1")

        let plan = try #require(stderr.events("plan").first)
        #expect(plan["message"] == "Plan: 0 to create, 2 to change, 0 to delete.")
        #expect(plan["plan"]?["operations"]?.arrayValue?.count == 2)
        #expect(plan["complete"] == true)

        let summary = try #require(stderr.summary)
        #expect(summary["script"]?.stringValue?.hasSuffix("script.lua") == true)
        #expect(summary["exit_code"] == 0)
        #expect(summary["changes_sent"] == 0)
        #expect(summary["changes_planned"] == 2)
        #expect(summary["retries"] == 1)
        #expect(summary["duration_ms"]?.integerValue.map { $0 >= 0 } == true)
        let runID = try #require(summary["run_id"]?.stringValue)
        #expect(stderr.records.allSatisfy { $0["run_id"]?.stringValue == runID }, "every record names the run")
    }

    @Test("a live run counts the changes it sent")
    func liveRunCounts() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.endpoints.patch("ep-demo-01", {enabled = false})
            tf.endpoints.delete("ep-demo-02")
            pcall(tf.endpoints.patch, "ep-demo-03", {region = "us-central1"}) -- refused before sending
            """, flags: ["--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try StderrRecords(result.stderr).summary)
        #expect(summary["changes_sent"] == 2)
        #expect(summary["changes_planned"] == 0)
        #expect(summary["retries"] == 0)
        #expect(await api.mutatingRequests().count == 2)
    }

    @Test("an uncaught error is one record with message, script, line and traceback")
    func scriptError() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("local x = 1\nerror(\"boom\\nsecond line\")\n", flags: ["--log-format", "json"])
        #expect(result.status == 1)
        let stderr = try StderrRecords(result.stderr)
        let error = try #require(stderr.events("script.error").first)
        #expect(error["message"] == "boom\\nsecond line")
        #expect(error["script"]?.stringValue?.hasSuffix("script.lua") == true)
        #expect(error["line"] == 2)
        #expect(error["traceback"]?.arrayValue?.contains { $0.stringValue?.hasSuffix("script.lua:2: in main chunk") == true } == true)
        #expect(stderr.summary?["exit_code"] == 1)
    }

    @Test("an unhandled API error (exit 4) is a script.error record pointing at the line")
    func apiError() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("\ntf.endpoints.get('ep-nope')\n", flags: ["--log-format", "json"])
        #expect(result.status == 4)
        let stderr = try StderrRecords(result.stderr)
        let error = try #require(stderr.events("script.error").first)
        #expect(error["line"] == 2)
        #expect(error["message"]?.stringValue?.contains("HTTP 404") == true)
        #expect(stderr.summary?["exit_code"] == 4)
        #expect(!result.stderr.contains(api.token))
    }

    @Test("a limit is one record, then the summary with exit code 3")
    func limit() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "loop.lua", contents: "while true do end")
        let result = try await TFScriptProcess.run(["run", "--log-format", "json", "--timeout", "300ms", script.path])
        #expect(result.status == 3)
        let stderr = try StderrRecords(result.stderr)
        #expect(stderr.events("limit").first?["message"] == "timeout of 300ms exceeded")
        #expect(stderr.summary?["exit_code"] == 3)
    }

    @Test("usage errors, a missing token and a misplaced flag are JSON too")
    func usageErrors() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "tf.endpoints.list()")
        let badFlag = try await TFScriptProcess.run(["run", "--log-format", "json", "--no-such-flag", script.path])
        #expect(badFlag.status == 2)
        let usage = try #require(try StderrRecords(badFlag.stderr).events("usage.error").first)
        #expect(usage["message"]?.stringValue?.contains("--no-such-flag") == true)

        let badValue = try await TFScriptProcess.run(["run", "--log-format=json", "--timeout", "soon", script.path])
        #expect(badValue.status == 2)
        #expect(try StderrRecords(badValue.stderr).events("usage.error").count == 1)

        let misplaced = try await TFScriptProcess.run(["run", "--log-format", "json", script.path, "--var", "x=1"])
        #expect(misplaced.status == 2)
        let refusal = try #require(try StderrRecords(misplaced.stderr).events("usage.error").first)
        #expect(refusal["message"]?.stringValue?.contains("--var x=1 after the script would be passed to the script") == true)

        let noToken = try await TFScriptProcess.run(["run", "--log-format", "json", script.path, "x=1"])
        #expect(noToken.status == 2)
        let records = try StderrRecords(noToken.stderr)
        #expect(records.events("script.error").first?["message"]?.stringValue?.contains("no API token") == true)
        #expect(records.summary?["exit_code"] == 2)
    }

    @Test("without -v the text mode writes no summary; with -v one plain line")
    func textSummary() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let quiet = try await api.run("print(1)")
        #expect(!quiet.stderr.contains("ended with exit code"))
        let verbose = try await api.run("tf.endpoints.patch('ep-demo-01', {enabled = false})", flags: ["-v"])
        #expect(verbose.status == 0)
        let line = try #require(verbose.stderr.split(separator: "\n").last)
        #expect(line.hasPrefix("tfscript: run "))
        #expect(line.contains("ended with exit code 0 in "))
        #expect(line.hasSuffix(" ms: 1 change sent (1 ok, 0 failed, 0 unknown), 0 planned, 0 retries"))
    }
}
