import Foundation
import TFScriptLuaHost

/// The last resort behind the timeout: if the run is still going at `deadline`, it writes the
/// limit message to stderr and ends the process with exit code 3.
///
/// Needed because Lua's count hook cannot interrupt a long C call (`string.find` with a
/// catastrophic pattern) and finalizers run with hooks off.
final class Watchdog: @unchecked Sendable {
    private let condition = NSCondition()
    private var finished = false // guarded by condition

    init(after delay: Duration, message: String) {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let deadline = Date().addingTimeInterval(seconds)
        let line = Array("tfscript: \(message)\n".utf8)
        let thread = Thread { [self] in
            condition.lock()
            while !finished, condition.wait(until: deadline) {}
            let expired = !finished
            condition.unlock()
            guard expired else { return }
            LuaState.flushStandardOutput(blocking: false)
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
