import Logging
import Foundation
import TFScriptJSON

/// The CLI's last resort behind the timeout: if the run is still going at `deadline`, it
/// writes the limit message to stderr and ends the process with exit code 3.
///
/// The CLI's own policy, never the library's: in `TFScript` a limit ends the run, not the
/// process. S1's input bounds mean the count hook can always end a run, so this should never
/// fire; it stays because a command-line run must end, whatever a future bug does.
final class Watchdog: @unchecked Sendable {
    private let condition = NSCondition()
    private var finished = false // guarded by condition

    init(after delay: Duration, message: String) {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let deadline = Date().addingTimeInterval(seconds)
        let json = Diagnostics.format == .json
        let thread = Thread { [self] in
            condition.lock()
            while !finished, condition.wait(until: deadline) {}
            let expired = !finished
            condition.unlock()
            guard expired else { return }
            StandardOutput.flush(blocking: false)
            let text = json
                ? Diagnostics.jsonLine(message: message, event: "limit", level: .error, fields: ["exit_code": 3, "watchdog": true]) + "\n"
                : "tfscript: \(message)\n"
            let line = Array(text.utf8)
            line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
            _exit(3)
        }
        thread.name = "tfscript.watchdog"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The run finished in time: the watchdog stands down.
    func cancel() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }
}
