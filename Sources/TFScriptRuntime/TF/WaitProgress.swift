/// How one `tf.endpoints.wait` is going: sent after every poll that did not end it, then once
/// more when it ends (however it ends: reached, error state, timeout, interrupt).
///
/// Structured rather than a line of text so front ends can choose the form: the CLI redraws
/// one line on a terminal and logs state changes elsewhere; an embedder may update a UI.
public struct WaitProgress: Sendable, Equatable {
    /// Where the wait is.
    public enum Phase: Sendable, Equatable {
        /// Still polling.
        case waiting
        /// The endpoint reached the target state (or, waiting for `deleted`, is gone).
        case reached
        /// The wait ended without reaching it: the endpoint entered `error`, the wait timed
        /// out, or the run was stopped.
        case stopped
    }

    /// Tells concurrent waits apart (`tf.parallel` workers waiting at the same time).
    public var waitID: Int
    /// The endpoint's id.
    public var endpointID: String
    /// The endpoint's name, once a poll has read it.
    public var name: String?
    /// The state waited for (`running`, `deleted`, …).
    public var target: String
    /// The state last seen (`starting`, …; `deleted` once it is gone).
    public var state: String
    /// Time since the wait began.
    public var elapsed: Duration
    public var phase: Phase
    /// Replicas serving now (`ready_replicas`), once a poll has read it.
    public var readyReplicas: Int64?
    /// Replicas wanted (`desired_replicas`, else `scaling.min_replicas`), once a poll has read it.
    public var desiredReplicas: Int64?
    /// How long the wait may take in all (its `timeout`): the time left is this minus ``elapsed``.
    public var timeout: Duration?

    public init(
        waitID: Int, endpointID: String, name: String?, target: String, state: String, elapsed: Duration, phase: Phase,
        readyReplicas: Int64? = nil, desiredReplicas: Int64? = nil, timeout: Duration? = nil
    ) {
        self.waitID = waitID
        self.endpointID = endpointID
        self.name = name
        self.target = target
        self.state = state
        self.elapsed = elapsed
        self.phase = phase
        self.readyReplicas = readyReplicas
        self.desiredReplicas = desiredReplicas
        self.timeout = timeout
    }

    /// Time left before the wait gives up (zero once past), when its timeout is known.
    public var remaining: Duration? { timeout.map { max(.zero, $0 - elapsed) } }

    /// `prod-chat (ep-demo-01)`, or the id alone before the name is known.
    public var endpoint: String { name.map { "\($0) (\(endpointID))" } ?? endpointID }
}
