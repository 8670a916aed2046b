import Foundation
import TFScriptLuaHost

/// `--lock PATH`: an advisory `flock` held for the whole run, so two scheduled runs of the same
/// job (a slow cron run and the next one) never overlap: the second finds the lock held and
/// exits 6 at once, or waits up to `--lock-wait`.
///
/// `flock` locks belong to the open file, so the kernel releases the lock when the process
/// ends, however it ends (a crash, `kill -9`, the watchdog's `_exit`); a stale lock file is
/// harmless.
///
/// The lock never changes a byte of the file it locks: the path may be the script itself
/// (`flock -n "$0"`), a file shared with other tools, or read-only. So the file is opened
/// read-only, created empty (mode 0600, `O_EXCL`) only when missing, and nothing is ever
/// written into it; the holder a refused run names is found in the kernel's lock table
/// (``LockHolder``) instead. A symlink is refused rather than followed (it could point at any
/// file the user can read), and so is anything but a regular file: a FIFO or a device would
/// block the open or act on the open itself.
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
    ///   wait, or exit code 2 when the path cannot be used as a lock (missing folder, symlink,
    ///   not a regular file, no permission).
    static func acquire(path: String, wait: Duration?, waiting: (_ holder: String?) -> Void = { _ in }) async throws -> RunLock {
        let fd = try openLockFile(path)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait ?? .zero)
        var announced = false
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                return RunLock(path: path, descriptor: fd)
            }
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                close(fd)
                throw CommandFailure(exitCode: 2, message: "cannot lock \(shown(path)): \(String(cString: strerror(failure))) (--lock)")
            }
            if clock.now >= deadline {
                let holder = LockHolder.find(lockedFile: fd)
                close(fd)
                let waited = (wait ?? .zero) > .zero ? "waited \(LimitSyntax.formatDuration(wait!)); " : ""
                throw CommandFailure(
                    exitCode: 6,
                    message: "another run holds the lock \(shown(path)) (\(waited)\(holder.map { "held by \($0)" } ?? "holder unknown")); not started")
            }
            if !announced {
                // Once, when the wait starts: a run that seems stuck says why.
                announced = true
                waiting(LockHolder.find(lockedFile: fd))
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

    /// Opens an existing regular file read-only, or creates a missing one empty and exclusively;
    /// never follows a final symlink and never blocks on a FIFO (`O_NONBLOCK`, then `fstat`).
    private static func openLockFile(_ path: String) throws -> Int32 {
        // Two rounds: a file created between our failed open and our O_EXCL create is then opened.
        for _ in 0..<2 {
            var fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            if fd < 0, errno == EACCES {
                // A write-only file: `flock` needs a descriptor, not read access. Nothing is
                // written through it (no O_TRUNC, no write).
                fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
                if fd < 0 { errno = EACCES }
            }
            if fd >= 0 {
                var info = stat()
                guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                    close(fd)
                    throw usage("\(shown(path)) is not a regular file; give --lock the path of a file (it is created if missing)")
                }
                return fd
            }
            switch errno {
            case ELOOP:
                throw usage("\(shown(path)) is a symbolic link; a lock never follows one. Give --lock the file's real path")
            case ENOENT:
                let created = open(path, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                if created >= 0 { return created }
                if errno == EEXIST { continue }
                throw cannotOpen(path, errno)
            case ENXIO:
                // A socket, or a FIFO opened by nobody for writing.
                throw usage("\(shown(path)) is not a regular file; give --lock the path of a file (it is created if missing)")
            default:
                throw cannotOpen(path, errno)
            }
        }
        throw usage("\(shown(path)) keeps changing (created and removed while tfscript opened it)")
    }

    private static func cannotOpen(_ path: String, _ code: Int32) -> CommandFailure {
        CommandFailure(exitCode: 2, message: "cannot open the lock file \(shown(path)): \(String(cString: strerror(code))) (--lock). Check the folder exists and is writable")
    }

    private static func usage(_ message: String) -> CommandFailure {
        CommandFailure(exitCode: 2, message: "--lock: " + message)
    }

    private static func shown(_ path: String) -> String { DisplayText.escapingControlCharacters(path) }
}
