import TestSupport
import Foundation
import Synchronization
import Testing

/// `tfscript repl` on a real pseudo-terminal: keys typed as a user would, including Tab
/// completion and Ctrl-C during a long `tf.sleep`.
///
/// The binary runs under `setsid -c`, so the pty is its controlling terminal and a typed
/// Ctrl-C (byte 0x03) becomes SIGINT through the terminal driver, exactly as for a user.
@Suite(.serialized)
struct ReplTerminalTests {
    @Test("typing on a terminal: values, tab completion, Ctrl-C during tf.sleep, history, Ctrl-D")
    func interactiveSession() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-repl-\(UUID().uuidString)")
        let terminal = try ReplTerminal(["repl", "--simulator"], environment: ["XDG_STATE_HOME": state.path])
        defer { terminal.terminate() }

        try await terminal.waitFor("> ")
        terminal.type("1 + 1\r")
        try await terminal.waitFor("\r\n2\r\n")

        // Tab completes `tf.endpoints.li` to `tf.endpoints.list` (libedit redraws only the
        // completed tail, so the proof is that the call runs: `li()` would be an error).
        terminal.type("#tf.endpoints.li\t")
        try await terminal.waitFor("st")
        terminal.type("()\r")
        try await terminal.waitFor("\r\n12\r\n")

        // A global: `tos` + Tab is `tostring`.
        terminal.type("tos\t")
        try await terminal.waitFor("tring")
        terminal.type("(7)\r")
        try await terminal.waitFor("\"7\"")

        // Ctrl-C interrupts a long sleep and the session goes on.
        let started = ContinuousClock.now
        terminal.type("print('sleeping') tf.sleep(60)\r")
        try await terminal.waitFor("sleeping\r\n")
        terminal.type("\u{03}")
        try await terminal.waitFor("interrupted")
        #expect(ContinuousClock.now - started < .seconds(30))
        terminal.type("40 + 2\r")
        try await terminal.waitFor("42")

        // ... and a tf.endpoints.wait that would never end (a stopped endpoint never runs).
        terminal.type("print('waiting') tf.endpoints.wait('ep-demo-08', 'running')\r")
        try await terminal.waitFor("waiting\r\n")
        terminal.type("\u{03}")
        try await terminal.waitFor("interrupted\u{1B}[0m\r\n> ", after: "waiting")

        // Unfinished input continues on the >> prompt.
        terminal.type("function f()\r")
        try await terminal.waitFor(">> ")
        terminal.type("return 'multi' end\r")
        terminal.type("f()\r")
        try await terminal.waitFor("\"multi\"")

        // Ctrl-C on the >> prompt drops the unfinished statement too.
        terminal.type("function g()\r")
        try await terminal.waitFor(">> ", after: "\"multi\"")
        terminal.type("\u{03}")
        try await terminal.waitFor("\r\n> ", after: ">> ")
        terminal.type("g == nil\r")
        try await terminal.waitFor("true", after: "g == nil")

        // Ctrl-C at the prompt drops the line; nothing runs.
        terminal.type("error('never')")
        try await terminal.waitFor("error('never')")
        terminal.type("\u{03}")
        try await terminal.waitFor("error('never')\r\n> ") // a fresh prompt: the line was dropped
        terminal.type("'after'\r")
        try await terminal.waitFor("\"after\"")
        #expect(!terminal.output.contains("stdin:1: never"))

        // Ctrl-D on an empty line leaves with 0; the history file holds the typed lines.
        terminal.type("\u{04}")
        let status = try await terminal.waitForExit()
        #expect(status == 0)
        // libedit's format: a header line, then one entry per line with spaces as \040.
        let history = try String(contentsOf: state.appendingPathComponent("tfscript/history"), encoding: .utf8)
        #expect(history.contains("1\\040+\\0401\n"))
        #expect(history.contains("#tf.endpoints.list()\n"))
        #expect(!history.contains("never"))
    }

    @Test("the prompt says when dry-run is on; :plan FILE saves the plan")
    func dryRunPrompt() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-repl-\(UUID().uuidString)")
        let terminal = try ReplTerminal(["repl", "--simulator", "--dry-run"], environment: ["XDG_STATE_HOME": state.path])
        defer { terminal.terminate() }
        try await terminal.waitFor("(dry-run) > ")
        terminal.type(":dry-run off\r")
        try await terminal.waitFor("\r\n> ", after: "dry-run off")
        terminal.type("function f()\r")
        try await terminal.waitFor(">> ", after: "function f()")
        terminal.type("end\r:dry-run on\r")
        try await terminal.waitFor("\r\n(dry-run) > ", after: "dry-run on")
        // :plan FILE shows the plan and saves it for tfscript apply.
        let planPath = state.appendingPathComponent("plan.json").path
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        terminal.type("tf.endpoints.delete('ep-demo-08')\r:plan \(planPath)\r")
        try await terminal.waitFor("Plan saved to \(planPath)")
        terminal.type("\u{04}")
        #expect(try await terminal.waitForExit() == 0)
        #expect(try String(contentsOfFile: planPath, encoding: .utf8).contains("\"target\": \"ep-demo-08\""))
    }

    @Test("the history file stays bounded to the last 1000 lines")
    func boundedHistory() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-repl-\(UUID().uuidString)")
        let folder = state.appendingPathComponent("tfscript")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let old = (1...1100).map { "x=\($0)\n" }.joined()
        try ("_HiStOrY_V2_\n" + old).write(to: folder.appendingPathComponent("history"), atomically: true, encoding: .utf8)

        let terminal = try ReplTerminal(["repl"], environment: ["XDG_STATE_HOME": state.path])
        defer { terminal.terminate() }
        try await terminal.waitFor("> ")
        terminal.type("'newest'\r")
        try await terminal.waitFor("\"newest\"\r\n")
        terminal.type("\u{04}")
        #expect(try await terminal.waitForExit() == 0)

        let lines = try String(contentsOf: folder.appendingPathComponent("history"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("_HiStOrY_") }
        #expect(lines.count == 1000)
        #expect(lines.last == "'newest'")
        #expect(lines.first == "x=102")
    }
}

/// A child process on a pseudo-terminal, with everything it writes collected for polling.
final class ReplTerminal: Sendable {
    private let process: Process
    private let master: FileHandle
    private final class Collected: Sendable { let data = Mutex(Data()) }
    private let collected = Collected()
    private let deadline: Duration = .seconds(30)

    init(_ arguments: [String], environment: [String: String]) throws {
        let pty = try PTYFunctions()
        let masterFD = pty.openpt(O_RDWR | O_NOCTTY)
        guard masterFD >= 0, pty.grantpt(masterFD) == 0, pty.unlockpt(masterFD) == 0, let name = pty.ptsname(masterFD) else {
            throw TerminalError("cannot open a pseudo-terminal")
        }
        let slaveFD = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slaveFD >= 0 else { throw TerminalError("cannot open \(String(cString: name))") }
        master = FileHandle(fileDescriptor: masterFD, closeOnDealloc: true)
        let slave = FileHandle(fileDescriptor: slaveFD, closeOnDealloc: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["-c", TFScriptProcess.binaryURL.path] + arguments
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        env["TERM"] = "xterm"
        env["LANG"] = "C.UTF-8"
        process.environment = env
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        try process.run()
        try slave.close()
        let collected = collected
        // Raw reads: the master reports EIO once the child is gone, which FileHandle's
        // availableData turns into a crash.
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(masterFD, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                if count <= 0 { return }
                collected.data.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
        }
        reader.start()
    }

    /// Everything the terminal showed so far.
    var output: String { collected.data.withLock { String(decoding: $0, as: UTF8.self) } }

    func type(_ keys: String) {
        master.write(Data(keys.utf8))
    }

    /// Polls the output until it holds `text` (after the last `marker`, when given), failing
    /// after a bounded deadline. Earlier waits are not tracked: texts should be distinct.
    /// Sleeps between polls with `Task.sleep`, never blocking a thread of Swift concurrency's
    /// small pool: in-process engine tests running alongside need it.
    func waitFor(_ text: String, after marker: String? = nil) async throws {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            var shown = output[...]
            if let marker, let range = shown.range(of: marker, options: .backwards) { shown = shown[range.upperBound...] }
            if shown.contains(text) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TerminalError("timed out waiting for \(String(reflecting: text)); the terminal shows:\n\(output)")
    }

    func waitForExit() async throws -> Int32 {
        let end = ContinuousClock.now + deadline
        while process.isRunning {
            guard ContinuousClock.now < end else { throw TerminalError("the REPL did not exit; it shows:\n\(output)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func terminate() {
        if process.isRunning { process.terminate() }
    }
}

/// glibc's pty functions, looked up at run time: Swift's Glibc module does not import them
/// (they need `_XOPEN_SOURCE`).
struct PTYFunctions {
    typealias OpenFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    let openpt: OpenFunction
    let grantpt: OpenFunction
    let unlockpt: OpenFunction
    let ptsname: NameFunction

    init() throws {
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
                throw TerminalError("\(name) is not available")
            }
            return unsafeBitCast(address, to: type)
        }
        openpt = try symbol("posix_openpt", as: OpenFunction.self)
        grantpt = try symbol("grantpt", as: OpenFunction.self)
        unlockpt = try symbol("unlockpt", as: OpenFunction.self)
        ptsname = try symbol("ptsname", as: NameFunction.self)
    }
}

struct TerminalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
