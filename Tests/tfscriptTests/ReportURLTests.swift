import TestSupport
import Foundation
import TFScriptJSON
import Testing
import TokenFactorySimulator

/// `--report-url`: the summary POSTed to a small loopback server at the end of a run; a
/// failed report is a warning and never changes the exit code.
@Suite
struct ReportURLTests {
    @Test("the summary is POSTed as JSON, with {exit_code} in the URL filled in, and never the token")
    func reportReceived() async throws {
        let monitor = try FaultServer { _, _ in .respond(status: 200, body: Array("OK".utf8)) }
        defer { monitor.stop() }
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let url = monitor.baseURL + "/ping/abc-123/{exit_code}"
        let ok = try await api.run("tf.endpoints.patch('ep-demo-01', {enabled = false})", flags: ["--report-url", url])
        #expect(ok.status == 0, "\(ok.stderr)")
        let failed = try await api.run("error('nope')", flags: ["--report-url", url])
        #expect(failed.status == 1)

        let reports = monitor.log
        #expect(reports.map(\.line) == ["POST /ping/abc-123/0", "POST /ping/abc-123/1"])
        let first = try #require(reports.first?.json)
        #expect(first["event"] == "run.end")
        #expect(first["command"] == "run")
        #expect(first["exit_code"] == 0)
        #expect(first["changes_sent"] == 1)
        #expect(first["changes_planned"] == 0)
        #expect(first["retries"] == 0)
        #expect(first["duration_ms"]?.integerValue != nil)
        #expect(first["run_id"]?.stringValue?.count == 36)
        #expect(first["script"]?.stringValue?.hasSuffix("script.lua") == true)
        #expect(first["changes_ok"] == 1)
        #expect(first["endpoints_changed"] == ["prod-chat"])
        #expect(Set(first.objectValue?.keys.map { $0 } ?? []) == [
            "event", "command", "run_id", "script", "exit_code", "duration_ms", "changes_sent", "changes_planned", "retries",
            "changes_ok", "changes_failed", "changes_unknown", "endpoints_changed",
        ])
        #expect(reports.last?.json?["exit_code"] == 1)
        for report in reports {
            #expect(report.headers["content-type"] == "application/json")
            #expect(report.headers["authorization"] == nil)
            #expect(!containsBytes(report.body, Array(api.token.utf8)))
            #expect(!report.headers.values.contains { $0.contains(api.token) })
        }
    }

    @Test("run.end splits the changes sent into ok, failed (refused) and unknown (no answer), and names the endpoints changed")
    func outcomesSplit() async throws {
        let monitor = try FaultServer { _, _ in .respond(status: 200) }
        defer { monitor.stop() }
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        // The create's answer is lost (processed, then the connection drops): a create is never
        // retried, so its outcome is unknown.
        await api.simulator.setFaults([try Fault(parsing: "POST /v0/dedicated_endpoints drop times=1")])
        let result = try await api.run("""
            tf.endpoints.patch('ep-demo-01', {enabled = false})
            tf.endpoints.patch('ep-demo-07', {description = 'ci'})
            print(pcall(tf.endpoints.patch, 'ep-demo-02', {scaling = {min_replicas = 9}}))
            print(pcall(tf.endpoints.create, {name = 'lost', model_name = 'openai/gpt-oss-20b', flavor_name = 'base',
              gpu_type = 'gpu-h100-sxm', gpu_count = 1, region = 'eu-west1'}))
            """, flags: ["--report-url", monitor.baseURL + "/hook", "--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(monitor.log.first?.json)
        #expect(report["changes_sent"] == 4)
        #expect(report["changes_ok"] == 2)
        #expect(report["changes_failed"] == 1)
        #expect(report["changes_unknown"] == 1)
        #expect(report["endpoints_changed"] == ["prod-chat", "test-qwen-ci"])
        let last = try JSONValue(parsing: Array(result.stderr.split(separator: "\n").last.map(String.init)!.utf8))
        #expect(last["event"] == "run.end")
        #expect(last["changes_failed"] == 1)
    }

    @Test("a monitor answering 500 draws a warning; the exit code stays the run's")
    func reportRefusedByServer() async throws {
        let monitor = try FaultServer { _, _ in .respond(status: 500) }
        defer { monitor.stop() }
        let script = try TFScriptProcess.writeTemporaryFile(named: "ok.lua", contents: "print('done')")
        let result = try await TFScriptProcess.run(["run", "--report-url", monitor.baseURL + "/hook/secret-path", script.path])
        #expect(result.status == 0)
        #expect(result.stdout == "done\n")
        #expect(monitor.log.count == 1)
        #expect(result.stderr.contains("[warning] could not send the run report"), "\(result.stderr)")
        #expect(result.stderr.contains("report.problem=HTTP 500"))
        #expect(result.stderr.contains("report.url=\(monitor.baseURL)"))
        #expect(!result.stderr.contains("secret-path"), "the URL's path may be a secret; only its origin is shown")
    }

    @Test("an unreachable monitor (connection refused) draws a warning; exit codes are unchanged")
    func reportConnectionRefused() async throws {
        // Port 1 on loopback: nothing listens there, and no test server can be given it (a
        // port taken from a stopped server could be handed to another test's server meanwhile).
        let url = "http://127.0.0.1:1/ping"
        let failing = try TFScriptProcess.writeTemporaryFile(named: "fail.lua", contents: "error('x')")
        let result = try await TFScriptProcess.run(["run", "--log-format", "json", "--report-url", url, failing.path])
        #expect(result.status == 1)
        let stderr = try StderrRecords(result.stderr)
        let warning = try #require(stderr.events("log").first { $0["message"] == "could not send the run report" })
        #expect(warning["level"] == "warning")
        #expect(warning["report.problem"] == "connection refused")
        #expect(stderr.events("run.end").first?["exit_code"] == 1)
    }

    @Test("--report-url must be an http(s) URL (usage error, nothing runs)")
    func badReportURL() throws {
        // Refused while parsing: no command exists to run, so nothing reaches stdout.
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--report-url", "ftp://example.com/x", "s.lua"]))
        #expect(result.status == 2)
        #expect(result.message.contains("--report-url must be an http:// or https:// URL"))
    }
}
