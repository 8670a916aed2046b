import TestSupport
import Foundation
import TFScriptJSON
import Synchronization
import Testing

/// Issue 10, items 7, 12 and 13: the write-ahead journal never loses or misreports a change,
/// a lost delete answer is reported as done, and an interrupted apply can be finished.
@Suite(.serialized)
struct JournalFaultTests {
    /// Intent lines by `run/seq`, and outcome lines by the same key.
    private func split(_ lines: [JSONValue]) -> (intents: [String: JSONValue], outcomes: [String: JSONValue]) {
        var intents: [String: JSONValue] = [:], outcomes: [String: JSONValue] = [:]
        for line in lines {
            let key = "\(line["run"]?.stringValue ?? "")/\(line["seq"]?.integerValue ?? -1)"
            if line["phase"] == "intent" { intents[key] = line } else { outcomes[key] = line }
        }
        return (intents, outcomes)
    }

    @Test("a DELETE whose answer was lost, retried into a 404, is reported deleted and journaled ok")
    func lostDeleteAnswer() async throws {
        let server = try FaultServer { request, index in index == 0 ? .close : .json(404, ["error": ["message": "not found"]]) }
        defer { server.stop() }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let result = try await FaultRig.run(#"tf.endpoints.delete("ep-1"); print("deleted")"#, server: server, flags: ["--journal", journal])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "deleted\n")
        #expect(server.lines == ["DELETE /v0/dedicated_endpoints/ep-1", "DELETE /v0/dedicated_endpoints/ep-1"])
        let lines = try FaultRig.journalLines(journal)
        try #require(lines.count == 2)
        #expect(lines[0]["phase"] == "intent" && lines[0]["operation"] == "delete" && lines[0]["target"] == "ep-1")
        #expect(lines[1]["outcome"] == "ok" && lines[1]["attempts"] == 2)
        #expect(lines[1]["note"]?.stringValue?.contains("404") == true)
        // A 404 on the first attempt is still a failure: nothing this call did removed it.
        let missing = try FaultServer { _, _ in .json(404, ["error": ["message": "not found"]]) }
        defer { missing.stop() }
        let first = try await FaultRig.run(#"tf.endpoints.delete("ep-2")"#, server: missing)
        #expect(first.status == 4)
    }

    @Test("outcome lines say ok, failed (with status) or unknown (no answer), with attempts; never 'error'")
    func outcomes() async throws {
        let server = try FaultServer { request, _ in
            if request.path.hasSuffix("ep-bad") { return .json(422, ["error": ["message": "bad field"]]) }
            if request.path.hasSuffix("ep-stall") { return .stall }
            return .json(200, FaultRig.endpoint("ep-ok"))
        }
        defer { server.stop() }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let result = try await FaultRig.run("""
            tf.endpoints.patch("ep-ok", {enabled = false})
            pcall(tf.endpoints.patch, "ep-bad", {enabled = false})
            tf.endpoints.patch("ep-stall", {enabled = false})
            """, server: server, flags: ["--journal", journal, "--timeout", "700ms"])
        #expect(result.status == 3, "\(result.stderr)")
        let lines = try FaultRig.journalLines(journal)
        let (intents, outcomes) = split(lines)
        #expect(intents.count == 3)
        #expect(Set(intents.values.compactMap { $0["run"]?.stringValue }).count == 1)
        #expect(intents.values.map { $0["seq"]?.integerValue ?? 0 }.sorted() == [1, 2, 3])
        func outcome(_ target: String) -> JSONValue? { outcomes.values.first { $0["target"]?.stringValue == target } }
        #expect(outcome("ep-ok")?["outcome"] == "ok" && outcome("ep-ok")?["attempts"] == 1)
        #expect(outcome("ep-ok")?["result"]?["endpoint_id"] == "ep-ok")
        #expect(outcome("ep-bad")?["outcome"] == "failed" && outcome("ep-bad")?["http_status"] == 422)
        #expect(outcome("ep-stall")?["outcome"] == "unknown", "\(lines)")
        #expect(!lines.contains { $0["outcome"] == "error" || $0["result"] == "error" })
        // Every intent precedes what the server received: the server saw exactly the three.
        #expect(server.lines.map { $0.replacingOccurrences(of: "PATCH /v0/dedicated_endpoints/", with: "") } == ["ep-ok", "ep-bad", "ep-stall"])
    }

    @Test("SIGKILL mid-run: every PATCH the server received has an fsync'd intent in the journal", arguments: [false, true])
    func killedMidRun(parallel: Bool) async throws {
        let pid = Mutex<Int32>(0)
        let patches = Mutex(0)
        let killAt = parallel ? 10 : 6
        let ids = (1...30).map { "ep-\($0)" }
        let fleet = FakeFleet(ids)
        let server = try FaultServer { request, _ in
            guard request.method == "PATCH" else { return fleet.answer(request) }
            let count = patches.withLock { $0 += 1; return $0 }
            let answer = fleet.answer(request)   // the change is applied...
            if count == killAt {                 // ...and the client dies before the answer
                return .after({ kill(pid.withLock { $0 }, SIGKILL) }, .stall)
            }
            return count > killAt ? .stall : answer
        }
        defer { server.stop() }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let body = parallel
            ? "tf.parallel(ids, function(id) tf.endpoints.patch(id, {enabled = false}) end, {concurrency = 8})"
            : "for _, id in ipairs(ids) do tf.endpoints.patch(id, {enabled = false}) end"
        let script = "local ids = {" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "}\n" + body
        let result = try await FaultRig.run(script, server: server, flags: ["--journal", journal]) { started in
            pid.withLock { $0 = started }
        }
        #expect(result.status == SIGKILL, "exit \(result.status): \(result.stderr)")
        let received = Set(server.log.filter { $0.method == "PATCH" }.map { String($0.path.split(separator: "/").last!) })
        let lines = try FaultRig.journalLines(journal)
        let (intents, outcomes) = split(lines)
        let journaled = Set(intents.values.compactMap { $0["target"]?.stringValue })
        #expect(received.isSubset(of: journaled), "server applied \(received.subtracting(journaled)) with no journal line")
        #expect(received.count >= killAt)
        // Every change the journal calls ok was applied on the server.
        for (key, outcome) in outcomes where outcome["outcome"] == "ok" {
            let target = try #require(intents[key]?["target"]?.stringValue)
            #expect(fleet[target]?["enabled"] == false)
        }
        // The killed one: applied by the server, intent written, no outcome: read as unknown.
        let unanswered = intents.filter { outcomes[$0.key] == nil }.compactMap { $0.value["target"]?.stringValue }
        #expect(!unanswered.isEmpty)
        #expect(Set(unanswered).isSubset(of: journaled))
        print("SIGKILL mid-run (parallel: \(parallel)): server received \(received.count) PATCHes, journal has \(intents.count) intents, \(outcomes.count) outcomes")
    }

    @Test("apply --journal finishes an apply killed mid-way: done operations are skipped, the rest re-checked and sent")
    func resumeApply() async throws {
        let ids = ["ep-1", "ep-2", "ep-3"]
        let fleet = FakeFleet(ids)
        let pid = Mutex<Int32>(0)
        let killNext = Mutex(true)
        let server = try FaultServer { request, _ in
            let answer = fleet.answer(request)
            if request.method == "PATCH", request.path.hasSuffix("ep-2"), killNext.withLock({ let k = $0; $0 = false; return k }) {
                return .after({ kill(pid.withLock { $0 }, SIGKILL) }, .stall)
            }
            return answer
        }
        defer { server.stop() }
        let operations: [JSONValue] = ids.enumerated().map { offset, id in
            ["index": .integer(Int64(offset + 1)), "kind": "patch", "target": .string(id), "body": ["enabled": false],
             "before": fleet[id]!, "after": fleet[id]!]
        }
        let plan: JSONValue = [
            "format_version": 1, "created_at": "2026-01-01T00:00:00Z", "base_url": .string(server.baseURL),
            "operations": .array(operations), "summary": ["create": 0, "patch": 3, "delete": 0],
        ]
        let planFile = FaultRig.temporaryPath("plan.json")
        try Data(plan.serializedBytes()).write(to: URL(fileURLWithPath: planFile))
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let arguments = ["apply", "--yes", "--journal", journal, "--base-url", server.baseURL, planFile]

        let killed = try await TFScriptProcess.run(arguments, environment: FaultRig.environment()) { started in pid.withLock { $0 = started } }
        #expect(killed.status == SIGKILL, "\(killed.stderr)")
        #expect(fleet["ep-2"]?["enabled"] == false)   // applied, answer never read
        let firstRun = server.log.count

        let resumed = try await TFScriptProcess.run(arguments, environment: FaultRig.environment())
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("#1 patch name-ep-1: already applied (journal: ok); skipped"), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("#2 patch name-ep-2: outcome unknown in the journal, but the API shows it applied; skipped"))
        // The plan shown lists only what is still to do (issue 19, section 5).
        #expect(resumed.stderr.contains("Still to apply (the journal shows #1, #2 applied):"), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("~ patch \"name-ep-3\" (ep-3)"))
        #expect(!resumed.stderr.contains("~ patch \"name-ep-1\"") && !resumed.stderr.contains("~ patch \"name-ep-2\""), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("Plan: 0 to create, 1 to change, 0 to delete."))
        let second = server.log.dropFirst(firstRun).map(\.line)
        #expect(second.filter { !$0.hasPrefix("GET") } == ["PATCH /v0/dedicated_endpoints/ep-3"], "\(second)")
        #expect(fleet["ep-3"]?["enabled"] == false)

        // Without the journal the same plan is refused as stale (targets changed).
        let fresh = try await TFScriptProcess.run(["apply", "--yes", "--base-url", server.baseURL, planFile], environment: FaultRig.environment())
        #expect(fresh.status == 1)
        #expect(fresh.stderr.contains("stale"))
        // And once everything is done, a third apply with the journal sends nothing.
        let before = server.log.count
        let third = try await TFScriptProcess.run(arguments, environment: FaultRig.environment())
        #expect(third.status == 0)
        #expect(third.stderr.contains("Nothing left to apply"))
        #expect(server.log.dropFirst(before).allSatisfy { $0.method == "GET" })
    }
}
