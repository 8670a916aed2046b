import Foundation
import Logging
import Synchronization
import TFScript
import TFScriptLuaHost

/// How the CLI shows `tf.endpoints.wait`: on a terminal (text logs), one status line redrawn
/// in place with each waited endpoint's name, id, state and elapsed time, and a final line
/// when it gets there; elsewhere (cron, pipes, `--log-format json`), a log record when a wait
/// starts, when the state changes and when it ends, instead of a line per poll.
final class WaitProgressDisplay: Sendable {
    private let logger: Logger
    private let redraws: Bool
    /// Waits in progress (shown ones), by ``WaitProgress/waitID``, with the state last logged.
    private let active = Mutex<[Int: (progress: WaitProgress, logged: String)]>([:])

    init(logging: LoggingOptions, logger: Logger) {
        self.logger = logger
        self.redraws = logging.format == .text && isatty(2) == 1
    }

    /// For ``ScriptOptions/waitProgress``.
    var sink: @Sendable (WaitProgress) -> Void { { [self] in report($0) } }

    func report(_ progress: WaitProgress) {
        redraws ? redraw(progress) : log(progress)
    }

    private func redraw(_ progress: WaitProgress) {
        let (wasShown, others) = active.withLock { active in
            let wasShown = active[progress.waitID] != nil
            if progress.phase == .waiting {
                active[progress.waitID] = (progress, progress.state)
            } else {
                active[progress.waitID] = nil
            }
            return (wasShown, active.keys.sorted().map { active[$0]!.progress })
        }
        StandardError.setStatus(others.isEmpty ? nil : Self.fitted(Self.statusLine(others)))
        if progress.phase == .reached, wasShown {
            StandardError.write("tfscript: \(Self.shown(progress)) is \(DisplayText.escapingControlCharacters(progress.state)) after \(Self.format(progress.elapsed))\n")
        }
    }

    private func log(_ progress: WaitProgress) {
        let previous: String? = active.withLock { active in
            let previous = active[progress.waitID]?.logged
            if progress.phase == .waiting { active[progress.waitID] = (progress, progress.state) } else { active[progress.waitID] = nil }
            return previous
        }
        var metadata: Logger.Metadata = [
            "endpoint": "\(progress.endpointID)", "name": "\(progress.name ?? "")", "target": "\(progress.target)",
            "state": "\(progress.state)", "elapsed": "\(Self.format(progress.elapsed))",
        ]
        if let ready = progress.readyReplicas { metadata["ready"] = "\(ready)/\(progress.desiredReplicas.map(String.init) ?? "?")" }
        if let left = progress.remaining { metadata["left"] = "\(Self.format(left))" }
        switch progress.phase {
        case .waiting where previous == nil: logger.info("waiting for endpoint", metadata: metadata)
        case .waiting where previous != progress.state: logger.info("endpoint state changed", metadata: metadata)
        case .reached where previous != nil: logger.info("endpoint reached the state waited for", metadata: metadata)
        default: break
        }
    }

    /// `tfscript: waiting for prod-chat (ep-demo-01) to be running: starting, 12s`, or for
    /// several waits at once (tf.parallel) one short entry each.
    /// Names, ids and states come from the server (and the script), so they are shown through
    /// ``DisplayText``: the name quoted, control, bidi and invisible characters escaped. The
    /// line is redrawn with a carriage return: a raw one in a name would draw over it.
    static func statusLine(_ waits: [WaitProgress]) -> String {
        if waits.count == 1, let wait = waits.first {
            var line = "tfscript: waiting for \(shown(wait)) to be \(escaped(wait.target)): \(escaped(wait.state))"
            if let ready = wait.readyReplicas { line += ", ready \(ready)/\(wait.desiredReplicas.map(String.init) ?? "?")" }
            line += ", \(format(wait.elapsed))"
            if let left = wait.remaining { line += " (\(format(left)) left)" }
            return line
        }
        let entries = waits.map { "\($0.name.map { DisplayText.quoted($0) } ?? escaped($0.endpointID)) \(escaped($0.state)) \(format($0.elapsed))" }
        return "tfscript: waiting for \(waits.count) endpoints: " + entries.joined(separator: ", ")
    }

    /// `"prod-chat" (ep-1)`, or the id alone before a poll has read the name.
    static func shown(_ wait: WaitProgress) -> String {
        let id = escaped(wait.endpointID)
        return wait.name.map { "\(DisplayText.quoted($0)) (\(id))" } ?? id
    }

    private static func escaped(_ text: String) -> String { DisplayText.escapingControlCharacters(text, maxBytes: 256) }

    /// The line cut to the terminal's width, so the carriage return redraws it in place.
    static func fitted(_ line: String) -> String {
        var size = winsize()
        let columns = ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
        return line.count < columns ? line : String(line.prefix(max(columns - 4, 1))) + "..."
    }

    /// `12s`, `2m05s`, `1h02m`.
    static func format(_ elapsed: Duration) -> String {
        let seconds = Int(elapsed.components.seconds)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return String(format: "%dm%02ds", seconds / 60, seconds % 60) }
        return String(format: "%dh%02dm", seconds / 3600, (seconds % 3600) / 60)
    }
}
