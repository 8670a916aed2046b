/// The time `tf.sleep` and `tf.endpoints.wait` live in.
///
/// Real time by default. A host can inject another clock (any `Clock` measured in `Duration`)
/// so that a script which waits for minutes (a rollout that polls until endpoints run) can be
/// tested in milliseconds: TestSupport's `SimulatedClock` returns from every sleep at once and
/// moves the simulator's time forward by the same amount.
///
/// Limits are not affected: `--timeout` and the memory limit always use real time, so a
/// virtual clock can never let a script outlive its deadline.
public struct ScriptClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Wraps a clock; ``now`` counts from the moment of wrapping.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { try await clock.sleep(until: clock.now.advanced(by: $0), tolerance: nil) }
    }

    /// Real time (`ContinuousClock`).
    public static var continuous: ScriptClock { ScriptClock(ContinuousClock()) }

    /// Time since this value was made, on its clock.
    public var now: Duration { elapsed() }

    /// Suspends for `duration` on this clock; throws `CancellationError` if the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try await sleeper(duration)
    }
}
