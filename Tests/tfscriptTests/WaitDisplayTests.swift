import TestSupport
import Foundation
import Testing

/// How `tf.endpoints.wait` shows its progress: one line redrawn in place on a terminal, a few
/// log records elsewhere.
@Suite(.serialized)
struct WaitDisplayTests {
    /// Starts a stopped endpoint and waits for it (the simulator of `--simulator` takes 3 s).
    static let arguments = [
        "run", "--simulator", "-e",
        "tf.endpoints.patch('ep-demo-04', {enabled = true}) tf.endpoints.wait('ep-demo-04', 'running', {interval = 0.5})",
    ]

    @Test("on a terminal: one updating line with name, id, state and elapsed time, then where it got")
    func terminal() async throws {
        let terminal = try ReplTerminal(Self.arguments, environment: [:])
        defer { terminal.terminate() }
        try await terminal.waitFor("tfscript: \"test-llama-eval\" (ep-demo-04) is running after ")
        #expect(try await terminal.waitForExit() == 0)
        let output = terminal.output
        #expect(output.contains("\r\u{1B}[Ktfscript: waiting for \"test-llama-eval\" (ep-demo-04) to be running: starting, "))
        #expect(output.components(separatedBy: "tfscript: waiting for").count > 2, "\(output)")
        // Every redraw stays on one terminal line: none of them ends in a newline.
        let lines = output.components(separatedBy: "\n").filter { $0.contains("waiting for") }
        #expect(lines.count == 1, "\(output)")
        #expect(lines.first?.contains("is running after") == true)
    }

    @Test("not on a terminal: a log record when the wait starts and when it ends, not one per poll")
    func logged() async throws {
        let result = try await TFScriptProcess.run(Self.arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("[info] waiting for endpoint") && $0.contains("name=test-llama-eval") && $0.contains("state=starting") }.count == 1, "\(result.stderr)")
        #expect(lines.filter { $0.contains("[info] endpoint reached the state waited for") && $0.contains("state=running") }.count == 1)
        #expect(!result.stderr.contains("\r"))
    }
}
