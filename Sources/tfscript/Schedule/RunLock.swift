import Foundation
import TFScriptLuaHost

/// `--lock PATH`: an advisory `flock` held for the whole run, so two scheduled runs of the same
/// job (a slow cron run and the next one) never overlap: the second finds the lock held and
/// exits 6 at once, or waits up to `--lock-wait`.
///
/// `flock` locks belong to the open file, so the kernel releases the lock when the process
/// ends, however it ends (a crash, `kill -9`, the watchdog's `_exit`); a stale lock file is
/// harmless. The file is created mode 0600 if missing and holds the holder's pid and start
/// time, which the refusal message shows.
final class RunLock {
    let path: String
    private var descriptor: Int32

    /// How often a waiting run retries the lock. `flock` has no timeout, and a blocking one
    /// could not be given up on, so waiting polls; 100 ms is quick next to a run's length.
    static let pollInterval: Duration = .milliseconds(100)

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the lock, waiting up to `wait` (nil or zero: not at all).
    ///
    /// - Throws: ``CommandFailure`` with exit code 6 when another process holds it past the
    ///   wait, or exit code 2 when the file cannot be opened.
    static func acquire(path: String, wait: Duration?) async throws -> RunLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CommandFailure(exitCode: 2, message: "cannot open the lock file \(path): \(String(cString: strerror(errno))) (--lock). Check the folder exists and is writable")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait ?? .zero)
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                let lock = RunLock(path: path, descriptor: fd)
                lock.recordHolder()
                return lock
            }
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                close(fd)
                throw CommandFailure(exitCode: 2, message: "cannot lock \(path): \(String(cString: strerror(failure))) (--lock)")
            }
            if clock.now >= deadline {
                let holder = Self.holder(fd)
                close(fd)
                let waited = (wait ?? .zero) > .zero ? "waited \(LimitSyntax.formatDuration(wait!)); " : ""
                throw CommandFailure(
                    exitCode: 6,
                    message: "another run holds the lock \(path) (\(waited)\(holder ?? "holder unknown")); not started")
            }
            try? await Task.sleep(for: min(pollInterval, clock.now.duration(to: deadline)))
        }
    }

    /// Lets the next run in (also done by the kernel when the process exits).
    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    /// Writes `pid N, since TIME` into the file, for the message a refused run prints.
    private func recordHolder() {
        let text = "pid \(getpid()), since \(Date().formatted(.iso8601))\n"
        guard ftruncate(descriptor, 0) == 0 else { return }
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// What the holder wrote, if it is what ``recordHolder()`` writes.
    private static func holder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("pid "), !text.contains("\n"), text.allSatisfy({ $0.isASCII && !$0.isNewline }) else { return nil }
        return "held by \(text)"
    }
}
