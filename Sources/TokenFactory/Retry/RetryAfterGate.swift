/// Makes every request of one client pause while the server has asked it to back off.
///
/// When any response carries `Retry-After`, the gate closes until then, and every new request
/// (including those of concurrent Lua coroutines) waits at the gate before it is sent, instead of
/// each one discovering the rate limit on its own. Share one gate between clients to make them
/// slow down together.
public actor RetryAfterGate {
    private var closedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    public init() {}

    /// Closes the gate for `delay` from now (never shortens an existing pause).
    public func hold(for delay: Duration) {
        let until = clock.now.advanced(by: delay)
        if let closedUntil, closedUntil >= until { return }
        closedUntil = until
    }

    /// When the gate reopens, or nil when it is open.
    public var reopensAt: ContinuousClock.Instant? {
        guard let closedUntil, closedUntil > clock.now else { return nil }
        return closedUntil
    }

    /// Waits until the gate is open. Throws `CancellationError` if the task is cancelled.
    public func waitUntilOpen() async throws {
        while let until = reopensAt {
            try await Task.sleep(until: until, clock: clock)
        }
    }
}
