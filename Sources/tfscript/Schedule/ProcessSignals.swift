import Dispatch
import Foundation
import Logging
import Synchronization
import TFScriptJSON

/// SIGINT (Ctrl-C), SIGTERM (`systemctl stop`, a Kubernetes pod shutdown) and SIGHUP (a closed
/// terminal) during `run` and `apply`: the first stops the run the way a limit does, the
/// second ends the process at once.
///
/// - While the script (or the apply) runs, the first signal cancels it: the engine stops the
///   script (exit 3, `interrupted`), calls in flight are cancelled and journaled as `unknown`
///   or `failed`, and the CLI goes on to print the plan or what was sent, `run.end` and the
///   report, as after any other end.
/// - Before that (waiting for the lock, reading the plan, the confirmation prompt), nothing has
///   been sent, so the first signal ends the run at once through ``RunTermination``.
/// - A second signal always ends it through ``RunTermination``: the journal is closed
///   consistently and `run.end` is written, then the process exits 3.
///
/// Signals are received through dispatch sources (the default actions are ignored), so the
/// handling runs on an ordinary thread, never inside an async-signal context.
final class ProcessSignals: Sendable {
    static let shared = ProcessSignals()

    private enum Phase {
        /// No run is in progress that could be cancelled: a signal ends the process.
        case idle
        /// The run is in progress: the first signal calls `cancel`.
        case running(cancel: @Sendable () -> Void)
        /// The run has returned and is being reported: the first signal only waits.
        case finishing
    }

    private struct State {
        var phase = Phase.idle
        var received: Int32?
        var sources: [any DispatchSourceSignal] = []
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "tfscript.signals")

    /// The signals handled, with the names messages use.
    static let handled: [(number: Int32, name: String)] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")]

    /// Starts handling the signals (once per process).
    func install() {
        state.withLock { state in
            guard state.sources.isEmpty else { return }
            for (number, _) in Self.handled {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                // A source coalesces deliveries: two signals sent at once arrive as one event
                // whose data is 2, and the second must still end the process.
                source.setEventHandler { [self] in
                    for _ in 0..<max(1, min(2, Int(source.data))) { received(number) }
                }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// The name of the first signal received (`SIGTERM`), or nil.
    var receivedName: String? {
        state.withLock { $0.received.map(Self.name) }
    }

    /// Runs `work` (a task doing the script or the apply) so the first signal cancels it;
    /// cancels it at once when a signal came before it started.
    func whileRunning<T: Sendable>(_ work: Task<T, Never>) async -> T {
        let cancel: @Sendable () -> Void = { work.cancel() }
        let early = state.withLock { state -> Bool in
            state.phase = .running(cancel: cancel)
            return state.received != nil
        }
        if early { cancel() }
        let value = await work.value
        state.withLock { $0.phase = .finishing }
        return value
    }

    private func received(_ number: Int32) {
        let name = Self.name(number)
        enum Action { case cancel(@Sendable () -> Void), end, announce, again }
        let action: Action = state.withLock { state in
            guard state.received == nil else { return .again }
            state.received = number
            switch state.phase {
            case .idle: return .end
            case .running(let cancel): return .cancel(cancel)
            case .finishing: return .announce
            }
        }
        switch action {
        case .cancel(let cancel):
            Diagnostics.write(
                "tfscript: \(name) received: stopping the run and cancelling calls in flight (send it again to exit at once)\n",
                event: "signal", level: .warning, fields: ["signal": .string(name)])
            cancel()
        case .announce:
            Diagnostics.write(
                "tfscript: \(name) received: finishing the report of a run that has ended (send it again to exit at once)\n",
                event: "signal", level: .warning, fields: ["signal": .string(name)])
        case .end:
            RunTermination.shared.exitNow(message: "interrupted by \(name) before any change was sent", event: "interrupted", reportWait: .seconds(3))
        case .again:
            RunTermination.shared.exitNow(message: "\(name) received again: exiting at once", event: "interrupted", reportWait: .seconds(1))
        }
    }

    static func name(_ number: Int32) -> String {
        handled.first { $0.number == number }?.name ?? "signal \(number)"
    }
}
