import Foundation
import Synchronization
import TestSupport
import TFScript
import TFScriptJSON
import Testing

/// Issue 18, class 4: when a limit (or a cancellation) ends a run or a REPL statement, nothing
/// it started goes on: every request in flight is cancelled and journaled before the run is
/// reported, and no retry is sent afterwards.
///
/// The proof that nothing can be sent later is that every task has ended when `run` returns:
/// each intent already has its outcome line, which a request's task writes as its very last
/// act. (Before the fix, `tf.parallel`'s requests outlived the run: their intents had no
/// outcome, and they kept retrying.)
struct LimitStopsWorkTests {
    /// A fleet whose PATCHes all fail with 503, so the client keeps retrying them with backoff.
    private func flakyServer(_ ids: [String]) throws -> FaultServer {
        let fleet = FakeFleet(ids)
        return try FaultServer { request, _ in
            request.method == "PATCH" ? .json(503, ["error": ["message": "busy"]]) : fleet.answer(request)
        }
    }

    private func openIntents(_ path: String) throws -> (intents: Int, open: [String]) {
        let lines = try FaultRig.journalLines(path)
        let outcomes = Set(lines.filter { $0["phase"] == "outcome" }.compactMap { $0["seq"]?.integerValue })
        let intents = lines.filter { $0["phase"] == "intent" }
        return (intents.count, intents.filter { !outcomes.contains($0["seq"]?.integerValue ?? -1) }.compactMap { $0["target"]?.stringValue })
    }

    private static let parallelPatches = """
        local ids = {}
        for i = 1, 16 do ids[i] = "ep-" .. i end
        tf.parallel(ids, function(id) tf.endpoints.patch(id, {enabled = false}) end, {concurrency = 8})
        """

    @Test("a timeout inside tf.parallel cancels every request in flight before run returns: each intent has an outcome")
    func timeoutInParallel() async throws {
        let server = try flakyServer((1...16).map { "ep-\($0)" })
        defer { server.stop() }
        let path = FaultRig.temporaryPath("journal.jsonl")
        let journal = try Journal(path: path)
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        var options = ScriptOptions()
        options.timeout = .milliseconds(400)
        options.journal = journal
        let result = await engine.run(.text(Self.parallelPatches, name: "script.lua"), options: options)
        #expect(result.exitCode == 3)
        #expect(result.status == .limitExceeded)
        let (intents, open) = try openIntents(path)
        #expect(intents >= 8)
        #expect(open.isEmpty, "intents with no outcome when run returned: \(open)")
        let sentAtReturn = server.log.count
        try await engine.shutdown()
        // The client is gone: whatever was in flight could not have been sent after this.
        #expect(server.log.count == sentAtReturn)
    }

    @Test("cancelling the task of a run inside tf.parallel ends its requests too")
    func cancellationInParallel() async throws {
        let started = Rendezvous()
        let fleet = FakeFleet((1...16).map { "ep-\($0)" })
        let server = try FaultServer { request, _ in
            guard request.method == "PATCH" else { return fleet.answer(request) }
            return .after({ started.signal() }, .stall)
        }
        defer { server.stop() }
        let path = FaultRig.temporaryPath("journal.jsonl")
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        var options = ScriptOptions()
        options.journal = try Journal(path: path)
        let run = Task { await engine.run(.text(Self.parallelPatches, name: "script.lua"), options: options) }
        await started.wait()
        run.cancel()
        let result = await run.value
        #expect(result.status == .interrupted)
        let (intents, open) = try openIntents(path)
        #expect(intents >= 1)
        #expect(open.isEmpty, "intents with no outcome when run returned: \(open)")
        let outcomes = try FaultRig.journalLines(path).filter { $0["phase"] == "outcome" }
        #expect(outcomes.allSatisfy { $0["outcome"] == "unknown" }, "\(outcomes)")
        try await engine.shutdown()
    }

    @Test("a timeout in a REPL statement stops its tf.parallel requests before the next statement")
    func timeoutInSession() async throws {
        let server = try flakyServer((1...16).map { "ep-\($0)" })
        defer { server.stop() }
        let path = FaultRig.temporaryPath("journal.jsonl")
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: server.baseURL, token: "tk-test-0123456789"))
        var options = ScriptOptions()
        options.timeout = .milliseconds(400)
        options.journal = try Journal(path: path)
        let session = try await engine.session(options)
        let result = await session.evaluate(Self.parallelPatches)
        #expect(result.exitCode == 3)
        let (intents, open) = try openIntents(path)
        #expect(intents >= 8)
        #expect(open.isEmpty, "intents with no outcome when the statement ended: \(open)")
        // The session goes on.
        #expect(await session.evaluate("return 1 + 1").values == [.integer(2)])
        await session.close()
        try await engine.shutdown()
    }
}
