import Foundation
import Synchronization
import TFScriptJSON
import Testing
import TestSupport

/// `--lock`: two real `tfscript` processes; the first holds the lock while its script waits
/// on an API answer the test holds back, so the overlap is certain, not timed.
@Suite
struct LockTests {
    /// A server whose first request is answered only when the test says so; `arrived` is
    /// signalled when that request came in (the first run holds its lock by then).
    final class HeldServer: Sendable {
        /// What the handler records, in a reference of its own (the handler is made before `self`).
        final class Record: Sendable {
            let released = Atomic(false)
            /// For each later request: whether the first had been released when it arrived.
            let laterArrivals = Mutex<[Bool]>([])
        }

        let arrived = Rendezvous()
        let gate = DispatchSemaphore(value: 0)
        let record = Record()
        let server: FaultServer

        init() throws {
            let arrived = arrived, gate = gate, record = record
            server = try FaultServer { _, index in
                if index == 0 {
                    return .after({ arrived.signal(); gate.wait() }, .json(200, .array([FaultRig.endpoint("ep-1")])))
                }
                let released = record.released.load(ordering: .sequentiallyConsistent)
                record.laterArrivals.withLock { $0.append(released) }
                return .json(200, .array([FaultRig.endpoint("ep-1")]))
            }
        }

        var laterArrivals: [Bool] { record.laterArrivals.withLock { $0 } }

        func release() {
            record.released.store(true, ordering: .sequentiallyConsistent)
            gate.signal()
        }
    }

    static let listing = "print(#tf.endpoints.list())"

    @Test("a run that finds the lock held exits 6 at once with one line naming the lock; the holder is unaffected")
    func heldLockRefuses() async throws {
        let held = try HeldServer()
        defer { held.server.stop() }
        let lock = FaultRig.temporaryPath("nightly.lock")
        let holderPID = Atomic<Int32>(0)
        let first = Task {
            try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock], onStart: { holderPID.store($0, ordering: .sequentiallyConsistent) }, takesSlot: false)
        }
        await held.arrived.wait()

        let second = try await FaultRig.run("print('second ran')", server: held.server, flags: ["--lock", lock])
        #expect(second.status == 6)
        #expect(second.stdout.isEmpty)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(second.stderr)")
        #expect(lines.first?.hasPrefix("tfscript: another run holds the lock \(lock) (held by pid ") == true, "\(second.stderr)")
        #expect(held.server.log.count == 1, "the refused run sent nothing")
        #expect(FaultRig.mode(lock) == 0o600)
        // The holder is named from the kernel's lock table; the lock file itself stays empty.
        #expect(second.stderr.contains("held by pid \(holderPID.load(ordering: .sequentiallyConsistent)) since "), "\(second.stderr)")
        #expect(second.stderr.contains("--lock \(lock)"), "the holder's command line: \(second.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: lock)).isEmpty)

        held.release()
        let holder = try await first.value
        #expect(holder.status == 0, "\(holder.stderr)")
        #expect(holder.stdout == "1\n")
        // Released with the first process: the next run gets it.
        let third = try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock])
        #expect(third.status == 0, "\(third.stderr)")
    }

    @Test("--lock-wait waits for the holder to finish, then runs")
    func lockWaitRuns() async throws {
        let held = try HeldServer()
        defer { held.server.stop() }
        let lock = FaultRig.temporaryPath("wait.lock")
        let first = Task { try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock], takesSlot: false) }
        await held.arrived.wait()
        let started = Rendezvous()
        let second = Task {
            try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock, "--lock-wait", "2m"], onStart: { _ in started.signal() })
        }
        await started.wait()
        held.release()
        let (holder, waiter) = (try await first.value, try await second.value)
        #expect(holder.status == 0, "\(holder.stderr)")
        #expect(waiter.status == 0, "\(waiter.stderr)")
        #expect(waiter.stdout == "1\n")
        // The waiting run's request came only after the holder's was answered.
        #expect(held.laterArrivals == [true])
    }

    @Test("--lock-wait gives up after the wait and exits 6, saying how long it waited")
    func lockWaitExpires() async throws {
        let held = try HeldServer()
        defer { held.server.stop() }
        let lock = FaultRig.temporaryPath("expire.lock")
        let first = Task { try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock], takesSlot: false) }
        await held.arrived.wait()
        let clock = ContinuousClock()
        let start = clock.now
        let second = try await FaultRig.run("print('x')", server: held.server, flags: ["--lock", lock, "--lock-wait", "1s", "-v"])
        let waited = start.duration(to: clock.now)
        #expect(second.status == 6)
        // It said it was waiting, and for whom, when the wait began.
        #expect(second.stderr.contains("waiting up to 1s for the lock \(lock) (held by pid "), "\(second.stderr)")
        #expect(second.stderr.contains("another run holds the lock \(lock) (waited 1s; held by pid "), "\(second.stderr)")
        #expect(waited >= .seconds(1))
        held.release()
        #expect(try await first.value.status == 0)
    }

    @Test("--report-skip-locked: a run refused by the lock sends no report; without it the monitor hears exit 6")
    func reportSkipLocked() async throws {
        let held = try HeldServer()
        defer { held.server.stop() }
        let monitor = try FaultServer { _, _ in .respond(status: 200) }
        defer { monitor.stop() }
        let lock = FaultRig.temporaryPath("report.lock")
        let first = Task { try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock], takesSlot: false) }
        await held.arrived.wait()
        let url = monitor.baseURL + "/ping/{exit_code}"
        let skipped = try await FaultRig.run("print('x')", server: held.server, flags: ["--lock", lock, "--report-url", url, "--report-skip-locked"])
        #expect(skipped.status == 6)
        #expect(monitor.log.isEmpty)
        let reported = try await FaultRig.run("print('x')", server: held.server, flags: ["--lock", lock, "--report-url", url])
        #expect(reported.status == 6)
        #expect(monitor.lines == ["POST /ping/6"])
        held.release()
        #expect(try await first.value.status == 0)
    }

    @Test("apply takes the lock too")
    func applyHonoursLock() async throws {
        let held = try HeldServer()
        defer { held.server.stop() }
        let lock = FaultRig.temporaryPath("apply.lock")
        let first = Task { try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock], takesSlot: false) }
        await held.arrived.wait()
        let plan = FaultRig.temporaryPath("plan.json")
        try Data(#"{"format_version":1,"base_url":"\#(held.server.baseURL)","operations":[]}"#.utf8).write(to: URL(fileURLWithPath: plan))
        let apply = try await TFScriptProcess.run(
            ["apply", "--yes", "--lock", lock, "--base-url", held.server.baseURL, plan], environment: FaultRig.environment())
        #expect(apply.status == 6, "\(apply.stderr)")
        #expect(apply.stderr.contains("another run holds the lock \(lock)"))
        held.release()
        #expect(try await first.value.status == 0)
    }

    @Test("--lock on a path that cannot be created is a usage error (exit 2) naming it")
    func unusableLockPath() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(1)")
        let result = try await TFScriptProcess.run(["run", "--lock", "/nonexistent-folder/x.lock", script.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot open the lock file /nonexistent-folder/x.lock"))
        #expect(result.stdout.isEmpty)
    }

    @Test("--lock on the script itself (the flock -n \"$0\" idiom) runs and leaves the script byte-identical")
    func lockOnTheScriptItself() async throws {
        let source = "-- job\nprint('ran')\n"
        let script = try TFScriptProcess.writeTemporaryFile(named: "job.lua", contents: source)
        chmod(script.path, 0o444)
        let before = try Data(contentsOf: script)
        let result = try await TFScriptProcess.run(["run", "--lock", script.path, script.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ran\n")
        #expect(try Data(contentsOf: script) == before)
        #expect(FaultRig.mode(script.path) == 0o444)
        // A write-only file can be a lock too, and is not written either.
        let writeOnly = script.deletingLastPathComponent().appendingPathComponent("write-only").path
        try Data("data".utf8).write(to: URL(fileURLWithPath: writeOnly))
        chmod(writeOnly, 0o200)
        let locked = try await TFScriptProcess.run(["run", "--lock", writeOnly, script.path])
        #expect(locked.status == 0, "\(locked.stderr)")
        chmod(writeOnly, 0o600)
        #expect(try String(contentsOfFile: writeOnly, encoding: .utf8) == "data")
    }

    @Test("--lock held on an existing file with data refuses the second run and changes no byte of it")
    func heldExistingFileUnchanged() async throws {
        let held = try HeldServer()
        defer { held.server.stop() }
        let lock = FaultRig.temporaryPath("data.txt")
        let data = Data("precious data\n".utf8)
        try data.write(to: URL(fileURLWithPath: lock))
        let first = Task { try await FaultRig.run(Self.listing, server: held.server, flags: ["--lock", lock], takesSlot: false) }
        await held.arrived.wait()
        let second = try await FaultRig.run("print('second ran')", server: held.server, flags: ["--lock", lock])
        #expect(second.status == 6, "\(second.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: lock)) == data)
        held.release()
        #expect(try await first.value.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: lock)) == data)
    }

    @Test("--lock refuses a symlink (to an existing or a missing file) with exit 2 and never touches its target")
    func symlinkLockRefused() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print('ran')")
        let folder = script.deletingLastPathComponent().path
        let target = folder + "/victim.txt"
        try Data("victim\n".utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o644)
        symlink(target, folder + "/existing.lock")
        symlink(folder + "/missing-target", folder + "/dangling.lock")
        for link in ["existing.lock", "dangling.lock"] {
            let result = try await TFScriptProcess.run(["run", "--lock", folder + "/" + link, script.path])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("is a symbolic link"), "\(result.stderr)")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "victim\n")
        #expect(FaultRig.mode(target) == 0o644)
        #expect(!FileManager.default.fileExists(atPath: folder + "/missing-target"))
    }

    @Test("--lock refuses a FIFO, a folder and a device at once (exit 2), without blocking on the open")
    func nonRegularLockRefused() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print('ran')")
        let fifo = script.deletingLastPathComponent().path + "/lock.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in [fifo, script.deletingLastPathComponent().path, "/dev/null"] {
            let result = try await TFScriptProcess.run(["run", "--lock", path, script.path])
            #expect(result.status == 2, "\(path): \(result.stderr)")
            #expect(result.stderr.contains("is not a regular file"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }
}
