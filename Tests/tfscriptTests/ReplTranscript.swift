import Logging
import Synchronization
import TFScript
import TFScriptLuaHost
@testable import tfscript

/// A piped REPL session (`tfscript repl FLAGS < input`) run in-process: the same command
/// parsing, ``ReplSession`` and ``ReplLoop`` as the binary, with stdin's lines given and
/// stdout and stderr captured. The REPL's behaviour (values, errors, commands, plans) is a
/// function of its input; the binary is spawned only where the process matters (a terminal, an
/// exit code end to end).
struct ReplTranscript {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ input: String, _ flags: [String] = []) async throws -> ReplTranscript {
        guard let command = try TFScriptCommand.parseRunningArgumentsApart(["repl"] + flags) as? ReplCommand else {
            throw CommandFailure(exitCode: 2, message: "not a repl command line: \(flags)")
        }
        let out = Captured(), err = Captured()
        var errors = ReplErrorOutput(colored: false)
        errors.write = { err.append($0) }
        errors.diagnostic = { text, _, _ in err.append(DisplayText.escapingControlCharactersByLine(text)) }
        let io = ReplIO(interactive: false, errors: errors, output: .text { out.append($0) }, reader: { _, _ in ScriptedLines(input) })
        let status: Int32
        do {
            status = try await command.session(logger: Logger(label: "repl-test", factory: { _ in SwiftLogNoOpLogHandler() })).run(io: io)
        } catch let failure as CommandFailure {
            err.append("tfscript: \(failure.message)\n")
            status = failure.exitCode
        }
        return ReplTranscript(status: status, stdout: out.text, stderr: err.text)
    }

    final class Captured: Sendable {
        private let buffer = Mutex("")
        func append(_ text: String) { buffer.withLock { $0 += text } }
        var text: String { buffer.withLock { $0 } }
    }
}

/// Piped stdin's lines, as `readLine` gives them: split at newlines, the last one without
/// its newline too.
final class ScriptedLines: LineReader {
    private var lines: [String]

    init(_ text: String) {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        lines = parts.reversed()
    }

    func read(prompt: String) -> LineInput {
        guard let next = lines.popLast() else { return .end }
        return .line(next)
    }
}
