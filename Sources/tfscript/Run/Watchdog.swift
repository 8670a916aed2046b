import Logging
import Foundation
import TFScriptJSON
import TFScriptLuaHost

/// The CLI's last resort behind the timeout: if the run is still going at `deadline`, it ends
/// the process with exit code 3 through ``RunTermination`` (the journal's open intents closed
/// as `unknown`, the limit message, the report and `run.end`, each bounded).
///
/// The CLI's own policy, never the library's: in `TFScript` a limit ends the run, not the
/// process. S1's input bounds mean the count hook can always end a run, so this should never
/// fire; it stays because a command-line run must end, whatever a future bug does.
final class Watchdog: @unchecked Sendable {
    private let condition = NSCondition()
    private var finished = false // guarded by condition

    init(after delay: Duration, grace: Duration, message: String) {
        // At most ten years ahead: a longer wait is "never", and Foundation traps on dates it
        // cannot turn into a timespec.
        let seconds = min(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18, 10 * 365 * 86_400)
        let deadline = Date().addingTimeInterval(seconds)
        let thread = Thread { [self] in
            condition.lock()
            while !finished, condition.wait(until: deadline) {}
            let expired = !finished
            condition.unlock()
            guard expired else { return }
            RunTermination.shared.exitNow(
                message: "\(message) (the run did not stop within \(LimitSyntax.formatDuration(grace)) of it; ended by the watchdog)",
                event: "limit", reportWait: .seconds(3))
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
