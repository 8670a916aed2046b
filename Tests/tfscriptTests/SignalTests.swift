import Foundation
import Synchronization
import TestSupport
import TFScriptJSON
import Testing

/// Issue 18, classes 3 and 7: a signal stops `run` and `apply` the way a limit does, and the
/// last-resort watchdog still leaves the journal, `run.end` and the report behind.
///
/// Signals are sent when the server sees the request that proves the run is where the test
/// wants it (never after a sleep).
@Suite(.serialized)
struct SignalTests {
    private static let ids = (1...8).map { "ep-\($0)" }
    private static let parallelPatches = "local ids = {" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "}\n"
        + "tf.parallel(ids, function(id) tf.endpoints.patch(id, {enabled = false}) end, {concurrency = 4})\n"

    private func records(_ stderr: String) throws -> [JSONValue] {
        try stderr.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    private func unansweredIntents(_ journal: String) throws -> [String] {
        let lines = try FaultRig.journalLines(journal)
        let answered = Set(lines.filter { $0["phase"] == "outcome" }.compactMap { $0["seq"]?.integerValue })
        return lines.filter { $0["phase"] == "intent" && !answered.contains($0["seq"]?.integerValue ?? -1) }
            .compactMap { $0["target"]?.stringValue }
    }

    /// A monitor for `--report-url` that records what it is sent.
    private func reportServer(stalling: Bool = false, onReport: @escaping @Sendable () -> Void = {}) throws -> FaultServer {
        try FaultServer { _, _ in
            stalling ? .after(onReport, .stall) : .after(onReport, .json(200, [:]))
        }
    }

    @Test("the first signal stops a run like a limit: exit 3, calls in flight journaled, report sent, run.end last",
          arguments: [SIGINT, SIGTERM, SIGHUP])
    func firstSignalStopsRun(signal: Int32) async throws {
        let pid = Mutex<Int32>(0)
        let patches = Mutex(0)
        let fleet = FakeFleet(Self.ids)
        let server = try FaultServer { request, _ in
            guard request.method == "PATCH" else { return fleet.answer(request) }
            // Four PATCHes in flight (the concurrency): now the signal comes.
            let count = patches.withLock { $0 += 1; return $0 }
            return count == 4 ? .after({ kill(pid.withLock { $0 }, signal) }, .stall) : .stall
        }
        defer { server.stop() }
        let monitor = try reportServer()
        defer { monitor.stop() }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let result = try await FaultRig.run(
            Self.parallelPatches, server: server,
            flags: ["--journal", journal, "--log-format", "json", "--report-url", monitor.baseURL + "/report"]
        ) { started in pid.withLock { $0 = started } }

        #expect(result.status == 3, "\(result.stderr)")
        let lines = try records(result.stderr)
        let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signal]!
        #expect(lines.last?["event"] == "run.end", "\(result.stderr)")
        #expect(lines.last?["exit_code"] == 3)
        let interrupted = lines.first { $0["event"] == "interrupted" }
        #expect(interrupted?["message"]?.stringValue?.hasPrefix("interrupted by \(name)") == true, "\(result.stderr)")
        #expect(lines.contains { $0["event"] == "signal" && $0["signal"]?.stringValue == name })
        // Every intent has its outcome, and nothing was sent after the four in flight.
        #expect(try unansweredIntents(journal).isEmpty)
        #expect(try FaultRig.journalLines(journal).filter { $0["phase"] == "outcome" }.allSatisfy { $0["outcome"] == "unknown" })
        #expect(server.log.filter { $0.method == "PATCH" }.count == 4)
        // The monitor heard of the run.
        let report = try #require(monitor.log.first)
        #expect(report.json?["exit_code"] == 3 && report.json?["event"] == "run.end")
    }

    @Test("a signal during a dry run prints the plan so far, marked incomplete, and saves nothing")
    func signalDuringDryRun() async throws {
        let pid = Mutex<Int32>(0)
        let fleet = FakeFleet(Self.ids)
        let server = try FaultServer { request, _ in
            request.path.hasSuffix("/ep-2") ? .after({ kill(pid.withLock { $0 }, SIGTERM) }, .stall) : fleet.answer(request)
        }
        defer { server.stop() }
        let plan = FaultRig.temporaryPath("plan.json")
        let result = try await FaultRig.run(
            #"tf.endpoints.patch("ep-1", {enabled = false}) tf.endpoints.get("ep-2")"#, server: server,
            flags: ["--dry-run", "--plan-out", plan]
        ) { started in pid.withLock { $0 = started } }
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("tfscript: interrupted by SIGTERM\n"), "\(result.stderr)")
        #expect(result.stderr.contains("The run was interrupted, so this plan is incomplete and was not saved"), "\(result.stderr)")
        #expect(result.stderr.contains("~ patch \"name-ep-1\" (ep-1)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: plan))
        #expect(!server.log.contains { $0.method != "GET" })
    }

    @Test("a second signal exits at once: the reporting is abandoned, run.end is still the last line")
    func secondSignalExitsAtOnce() async throws {
        let pid = Mutex<Int32>(0)
        let done = Atomic<Bool>(false)
        let fleet = FakeFleet(Self.ids)
        let server = try FaultServer { request, _ in fleet.answer(request) }
        defer { server.stop() }
        // The monitor never answers; once tfscript is waiting on it, signals come until it exits.
        let monitor = try reportServer(stalling: true) {
            Thread.detachNewThread {
                for _ in 0..<200 where !done.load(ordering: .acquiring) {
                    kill(pid.withLock { $0 }, SIGTERM)
                    usleep(50_000) // signals sent together are merged by the kernel: space them out
                }
            }
        }
        defer { monitor.stop() }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let result = try await FaultRig.run(
            #"tf.endpoints.patch("ep-1", {enabled = false})"#, server: server,
            flags: ["--journal", journal, "--log-format", "json", "--report-url", monitor.baseURL + "/report"]
        ) { started in pid.withLock { $0 = started } }
        done.store(true, ordering: .releasing)

        #expect(result.status == 3, "\(result.stderr)")
        let lines = try records(result.stderr)
        #expect(lines.contains { $0["message"]?.stringValue?.contains("SIGTERM received again: exiting at once") == true }, "\(result.stderr)")
        #expect(lines.last?["event"] == "run.end", "\(result.stderr)")
        #expect(lines.last?["exit_code"] == 3)
        #expect(try unansweredIntents(journal).isEmpty)
        #expect(try FaultRig.journalLines(journal).last?["outcome"] == "ok")
    }

    @Test("a signal while waiting for the lock ends the run at once with exit 3 and run.end")
    func signalWhileWaitingForLock() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let lockPath = folder.appendingPathComponent("job.lock").path
        let held = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(flock(held, LOCK_EX) == 0)
        defer { close(held) }
        let result = try await TFScriptProcess.run(
            ["run", "--simulator", "--lock", lockPath, "--lock-wait", "2m", "--log-format", "json", "-e", "print('never')"]
        ) { started in
            // Once tfscript handles signals (/proc/PID/status shows them caught), it goes on
            // to wait for the lock: then the signal comes.
            Thread.detachNewThread {
                for _ in 0..<6000 {
                    if Self.ignoresSignals(pid: started) { kill(started, SIGTERM); return }
                    usleep(20_000)
                }
            }
        }
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = try records(result.stderr)
        #expect(lines.contains { $0["message"]?.stringValue?.contains("interrupted by SIGTERM") == true }, "\(result.stderr)")
        #expect(lines.last?["event"] == "run.end")
    }

    /// Whether the process catches SIGINT, SIGTERM and SIGHUP (`SigCgt` in /proc/PID/status):
    /// tfscript's dispatch sources do once they are in place (the last one set is SIGHUP's).
    static func ignoresSignals(pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        let wanted = [SIGINT, SIGTERM, SIGHUP].reduce(UInt64(0)) { $0 | (1 << UInt64($1 - 1)) }
        return mask & wanted == wanted
    }

    @Test("a signal during apply stops it: the operation in flight is journaled unknown, the rest are not sent, exit 3")
    func signalDuringApply() async throws {
        let pid = Mutex<Int32>(0)
        let fleet = FakeFleet(Self.ids)
        let server = try FaultServer { request, _ in
            guard request.method == "PATCH" else { return fleet.answer(request) }
            return request.path.hasSuffix("/ep-2") ? .after({ kill(pid.withLock { $0 }, SIGTERM) }, .stall) : fleet.answer(request)
        }
        defer { server.stop() }
        let script = "for _, id in ipairs({\"ep-1\", \"ep-2\", \"ep-3\"}) do tf.endpoints.patch(id, {enabled = false}) end"
        let plan = FaultRig.temporaryPath("plan.json")
        let planned = try await FaultRig.run(script, server: server, flags: ["--dry-run", "--plan-out", plan])
        #expect(planned.status == 0, "\(planned.stderr)")
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let result = try await TFScriptProcess.run(
            ["apply", "--yes", "--base-url", server.baseURL, "--journal", journal, plan], environment: FaultRig.environment()
        ) { started in pid.withLock { $0 = started } }
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("interrupted by SIGTERM: operation #2"), "\(result.stderr)")
        #expect(result.stderr.contains("Not applied: #3"), "\(result.stderr)")
        #expect(server.log.filter { $0.method == "PATCH" }.map(\.path).map { $0.split(separator: "/").last! } == ["ep-1", "ep-2"])
        let outcomes = try FaultRig.journalLines(journal).filter { $0["phase"] == "outcome" }
        #expect(outcomes.map { $0["outcome"] } == ["ok", "unknown"])
    }

    @Test("the watchdog ends a run stuck in C past its timeout, still closing the journal and writing run.end")
    func watchdogKeepsTheBooks() async throws {
        let fleet = FakeFleet(Self.ids)
        let server = try FaultServer { request, _ in request.method == "PATCH" ? .stall : fleet.answer(request) }
        defer { server.stop() }
        let journal = FaultRig.temporaryPath("journal.jsonl")
        // One worker's PATCH is in flight while the other prints 1 MiB to a stdout nobody
        // reads: the Lua thread is stuck inside write(2), where no hook can reach it.
        let script = try TFScriptProcess.writeTemporaryFile(named: "stuck.lua", contents: """
            tf.parallel({"ep-1", "print"}, function(item)
              if item == "print" then print(string.rep("x", 1 << 20)) else tf.endpoints.patch(item, {enabled = false}) end
            end, {concurrency = 2})
            """)
        let process = Process()
        process.executableURL = TFScriptProcess.binaryURL
        process.arguments = ["run", "--base-url", server.baseURL, "--timeout", "500ms", "--journal", journal, "--log-format", "json", script.path]
        process.environment = FaultRig.environment().merging(["TFSCRIPT_WATCHDOG_GRACE_MS": "0"]) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // stdout is left unread until the process has ended; stderr is read as it comes.
        let stderr = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: err.fileHandleForReading.readDataToEndOfFile()) }
        }
        process.waitUntilExit()
        let text = String(decoding: stderr, as: UTF8.self)
        #expect(process.terminationStatus == 3, "\(text)")
        let lines = try records(text)
        #expect(lines.contains { $0["event"] == "limit" && $0["message"]?.stringValue?.contains("ended by the watchdog") == true }, "\(text)")
        #expect(lines.last?["event"] == "run.end", "\(text)")
        #expect(try unansweredIntents(journal).isEmpty)
        #expect(try FaultRig.journalLines(journal).last?["outcome"] == "unknown")
    }
}
