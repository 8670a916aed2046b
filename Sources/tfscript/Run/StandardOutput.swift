import Logging
import Foundation
import Synchronization
import TFScript

/// The process's stdout, which belongs to the script (STYLE.md): the CLI hands this sink to
/// the engine, so `print` reaches stdout here and nowhere in the libraries.
///
/// Buffered like C's stdout: written through at once on a terminal (so progress shows),
/// in 64 KiB blocks to a pipe or file (so a printing loop costs no syscall per line).
enum StandardOutput {
    /// What is waiting to be written, and how many bytes the script printed (what
    /// `--max-output` counts), under one lock: `print` takes it once.
    private struct Buffer {
        var pending: [UInt8] = []
        var printed = 0
    }

    private static let buffer = Mutex(Buffer())
    /// The first error writing to stdout other than a closed pipe (`/dev/full`, a full disk,
    /// a file-size limit), as `strerror` words; nil while every write succeeded.
    private static let writeFailure = Mutex<String?>(nil)
    private static let isTerminal = isatty(1) == 1
    private static let blockSize = 64 << 10

    static let sink = OutputSink { bytes in append(bytes, printed: true) }

    /// How much the script has printed so far.
    static var bytesPrinted: Int { buffer.withLock { $0.printed } }

    /// Writes text tfscript itself prints for the script (its `-o` result), after its output.
    static func write(_ text: String) {
        Array(text.utf8).withUnsafeBytes { append($0) }
    }

    private static func append(_ bytes: UnsafeRawBufferPointer, printed: Bool = false) {
        guard !bytes.isEmpty else { return }
        buffer.withLock { buffer in
            if printed { buffer.printed += bytes.count }
            buffer.pending.append(contentsOf: bytes)
            if isTerminal || buffer.pending.count >= blockSize { drain(&buffer.pending) }
        }
    }

    /// Writes out what scripts printed. With `blocking: false` it gives up instead of waiting
    /// for a thread that is writing (the watchdog must not hang).
    static func flush(blocking: Bool = true) {
        if blocking {
            buffer.withLock { drain(&$0.pending) }
        } else {
            _ = buffer.withLockIfAvailable { drain(&$0.pending) }
        }
    }

    /// Why output was lost, if it was: a failed write is an error the command must report
    /// (exit 1), never a success with the result silently gone. A reader that went away
    /// (`| head`, EPIPE) is not a failure: the output was not wanted any more.
    static var failure: String? { writeFailure.withLock { $0 } }

    private static func drain(_ pending: inout [UInt8]) {
        pending.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 {
                    let problem = written < 0 ? errno : ENOSPC
                    if problem != EPIPE {
                        let words = String(cString: strerror(problem))
                        writeFailure.withLock { if $0 == nil { $0 = words } }
                    }
                    break // the rest of the script's output has nowhere to go
                }
                offset += written
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}

extension Journal {
    /// Opens `--journal` (nil without one); a bad path is a usage error (exit 2). Warnings
    /// (e.g. a journal on a file system that may not honour fsync) go to stderr.
    static func openForCommand(_ path: String?, runID: String = UUID().uuidString.lowercased()) throws -> Journal? {
        let journal: Journal?
        do {
            journal = try path.map { path throws(JournalError) in try Journal(path: path, runID: runID) }
        } catch {
            throw CommandFailure(exitCode: 2, message: "\(error) (--journal)")
        }
        for warning in journal?.warnings ?? [] { Diagnostics.warning(warning) }
        return journal
    }
}
