import TestSupport
import Foundation
import TFScriptJSON
import Testing
import TokenFactorySimulator

/// Retries show at warning level without `-v`: operation, reason, attempt and delay.
@Suite
struct RetryLogTests {
    @Test("each retry of a 503 is a warning naming the operation, HTTP 503, the attempt and the delay")
    func statusRetries() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        await api.simulator.setFaults([try Fault(parsing: "PATCH /v0/dedicated_endpoints/ep-demo-01 503 times=2")])
        let result = try await api.run("tf.endpoints.patch('ep-demo-01', {enabled = false})")
        #expect(result.status == 0, "\(result.stderr)")
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("[warning] retrying a failed API call") }
        #expect(warnings.count == 2, "\(result.stderr)")
        for (index, line) in warnings.enumerated() {
            #expect(line.contains("tokenfactory.operation=PATCH /v0/dedicated_endpoints/ep-demo-01"))
            #expect(line.contains("tokenfactory.reason=HTTP 503"))
            #expect(line.contains("tokenfactory.attempt=\(index + 1)"))
            #expect(line.contains("tokenfactory.delay="))
        }
        #expect(await api.mutatingRequests().count == 3)
    }

    @Test("a dropped connection is retried with a warning saying the connection was lost; --quiet still shows it")
    func droppedConnection() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        await api.simulator.setFaults([try Fault(parsing: "GET /v0/dedicated_endpoints drop times=1")])
        let result = try await api.run("print(#tf.endpoints.list())", flags: ["--quiet", "--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let retry = try #require(try StderrRecords(result.stderr).events("log").first { $0["message"] == "retrying a failed API call" })
        let reason = try #require(retry["tokenfactory.reason"]?.stringValue)
        #expect(["connection closed", "connection reset"].contains(reason), "reason: \(reason)")
        #expect(try StderrRecords(result.stderr).summary?["retries"] == 1)
    }
}
