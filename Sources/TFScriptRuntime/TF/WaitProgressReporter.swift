import Synchronization
import TFScriptJSON

/// Turns one `tf.endpoints.wait`'s polls into ``WaitProgress`` reports: one per poll that did
/// not end the wait, and a last one when it ends, whichever way.
final class WaitProgressReporter: Sendable {
    private static let nextID = Atomic<Int>(1)

    private let sink: @Sendable (WaitProgress) -> Void
    private let last: Mutex<WaitProgress>
    private let start = ContinuousClock.now

    init(endpointID: String, name: String?, target: String, timeout: Duration?, sink: @escaping @Sendable (WaitProgress) -> Void) {
        self.sink = sink
        let id = Self.nextID.add(1, ordering: .relaxed).oldValue
        last = Mutex(WaitProgress(
            waitID: id, endpointID: endpointID, name: name, target: target, state: "unknown", elapsed: .zero, phase: .waiting,
            timeout: timeout))
    }

    /// A poll that did not end the wait.
    func polled(state: String, elapsed: Duration, endpoint: JSONValue?) {
        let report = last.withLock { last in
            last.state = state
            last.elapsed = elapsed
            if let name = endpoint?["name"]?.stringValue { last.name = name }
            if let ready = endpoint?["ready_replicas"]?.integerValue { last.readyReplicas = ready }
            if let desired = endpoint?["desired_replicas"]?.integerValue ?? endpoint?["scaling"]?["min_replicas"]?.integerValue {
                last.desiredReplicas = desired
            }
            return last
        }
        sink(report)
    }

    /// The wait ended; `state` is the last state seen when known.
    func finished(_ phase: WaitProgress.Phase, state: String?) {
        let report = last.withLock { last in
            last.phase = phase
            if let state { last.state = state }
            last.elapsed = ContinuousClock.now - start
            return last
        }
        sink(report)
    }
}
