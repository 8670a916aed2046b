import TFScriptJSON

/// Polls an endpoint until it reaches a state, with backoff (`tf.endpoints.wait`).
///
/// Polling starts at one second (or the interval, if shorter) and grows by half each time up
/// to `interval`: state changes right after a create or patch are seen quickly, and a long
/// wait does not hammer the API.
struct EndpointWaiter: Sendable {
    /// The state that ends the wait; `"deleted"` waits until the endpoint is gone.
    var target: String
    var timeout: Duration
    var interval: Duration
    /// Told the state, elapsed time and the endpoint read (nil once it is gone) after each
    /// poll that did not end the wait.
    var progress: (@Sendable (_ state: String, _ elapsed: Duration, _ endpoint: JSONValue?) -> Void)?
    /// The time polls are spaced and the timeout measured in.
    var clock: ScriptClock = .continuous

    static let deletedState = "deleted"

    enum Failure: Error, Equatable {
        /// The endpoint reached `error` while waiting for something else.
        case enteredError
        /// The timeout passed; the last state seen.
        case timedOut(lastState: String)
    }

    /// - Parameters:
    ///   - read: fetches the endpoint; returns nil when it no longer exists (404).
    ///   - state: the endpoint's normalized state.
    /// - Returns: the endpoint in the target state, or nil once it is gone when waiting for `"deleted"`.
    func wait(
        read: @Sendable () async throws -> JSONValue?,
        state: @Sendable (JSONValue) -> String?
    ) async throws -> JSONValue? {
        let start = clock.now
        var delay = min(.seconds(1), interval)
        while true {
            let current = try await read()
            let currentState: String
            if let current {
                currentState = state(current) ?? "unknown"
                if currentState == target { return current }
                if currentState == "error" { throw Failure.enteredError }
            } else {
                if target == Self.deletedState { return nil }
                currentState = Self.deletedState
            }
            let elapsed = clock.now - start
            if elapsed >= timeout { throw Failure.timedOut(lastState: currentState) }
            progress?(currentState, elapsed, current)
            try await clock.sleep(for: min(delay, timeout - elapsed))
            delay = min(delay * 1.5, interval)
        }
    }
}
