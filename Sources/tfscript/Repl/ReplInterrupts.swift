import Foundation
import TFScriptLuaHost
import Synchronization

/// Ctrl-C in an interactive session: interrupts the running statement, or clears the line at
/// the prompt.
///
/// The SIGINT handler only writes a byte to a pipe (the one thing that is async-signal-safe
/// here). A watcher thread reads it: while a statement runs it calls
/// ``LuaInterruptHandle/requestInterrupt()`` (the count hook ends Lua code, and blocking host
/// calls such as `tf.sleep` or `tf.endpoints.wait` poll the flag), otherwise it wakes the line
/// reader through ``promptWakeDescriptor``, which then drops the line being typed.
final class ReplInterrupts: Sendable {
    private enum Phase {
        case prompt
        case evaluating(LuaInterruptHandle)
    }

    private let phase = Mutex<Phase>(.prompt)
    private let signalPipe: (read: Int32, write: Int32)
    private let promptPipe: (read: Int32, write: Int32)

    /// Readable when Ctrl-C was pressed at the prompt; the line reader polls it with stdin.
    var promptWakeDescriptor: Int32 { promptPipe.read }

    /// Installs the SIGINT handler for the rest of the process (interactive sessions only;
    /// a piped session keeps the default, so SIGINT ends it).
    static func install() -> ReplInterrupts {
        let interrupts = ReplInterrupts(signalPipe: makePipe(), promptPipe: makePipe())
        replSignalDescriptor = interrupts.signalPipe.write
        signal(SIGINT) { _ in
            var byte: UInt8 = 3
            _ = write(replSignalDescriptor, &byte, 1)
        }
        let thread = Thread { interrupts.watch() }
        thread.name = "tfscript.repl.interrupts"
        thread.stackSize = 1 << 20
        thread.start()
        return interrupts
    }

    private init(signalPipe: (Int32, Int32), promptPipe: (Int32, Int32)) {
        self.signalPipe = signalPipe
        self.promptPipe = promptPipe
    }

    private static func makePipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fatalError("tfscript: cannot create a pipe for Ctrl-C handling") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Ctrl-C from now on interrupts the statement that `handle` belongs to.
    func beginEvaluation(_ handle: LuaInterruptHandle) {
        phase.withLock { $0 = .evaluating(handle) }
    }

    /// Ctrl-C from now on clears the prompt.
    func endEvaluation() {
        phase.withLock { $0 = .prompt }
    }

    /// Drains pending prompt wake-ups (after the reader saw one).
    func drainPromptWake() {
        var buffer = [UInt8](repeating: 0, count: 64)
        let flags = fcntl(promptPipe.read, F_GETFL)
        _ = fcntl(promptPipe.read, F_SETFL, flags | O_NONBLOCK)
        while read(promptPipe.read, &buffer, buffer.count) > 0 {}
        _ = fcntl(promptPipe.read, F_SETFL, flags)
    }

    private func watch() {
        var byte: UInt8 = 0
        while true {
            let count = read(signalPipe.read, &byte, 1)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return }
            let handle: LuaInterruptHandle? = phase.withLock { phase in
                if case .evaluating(let handle) = phase { return handle }
                return nil
            }
            if let handle {
                handle.requestInterrupt()
            } else {
                var wake: UInt8 = 1
                _ = write(promptPipe.write, &wake, 1)
            }
        }
    }
}

/// The pipe the SIGINT handler writes to; set once before the handler is installed.
nonisolated(unsafe) private var replSignalDescriptor: Int32 = -1
