public import TokenFactorySimulator
import Synchronization

/// A clock whose sleeps return at once: time moves forward by the slept amount, and the
/// simulator it drives (if any) sees the same time pass, so endpoints finish starting or
/// stopping "during" the sleep.
///
/// Inject it with `ScriptOptions.clock = ScriptClock(clock)` to test scripts that call
/// `tf.sleep` or `tf.endpoints.wait` without waiting real time (run limits stay on real time).
public final class SimulatedClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))
    private let slept = Mutex<[Duration]>([])
    private let simulator: TokenFactorySimulator?

    /// - Parameter simulator: moved forward with the clock, so its endpoints' transitions follow.
    public init(driving simulator: TokenFactorySimulator? = nil) {
        self.simulator = simulator
    }

    public var now: Instant { current.withLock { $0 } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Every sleep so far, in order (what a test asserts a polling loop did).
    public var sleeps: [Duration] { slept.withLock { $0 } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        let step: Duration = current.withLock { now in
            let step = max(.zero, now.duration(to: deadline))
            now = max(now, deadline)
            return step
        }
        slept.withLock { $0.append(step) }
        if let simulator, step > .zero {
            let components = step.components
            await simulator.advanceClock(by: Double(components.seconds) + Double(components.attoseconds) / 1e18)
        }
    }
}
