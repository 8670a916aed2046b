/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
struct Backoff {
    let policy: TokenFactoryClient.Retry

    /// The wait before retry number `retry` (1 for the first retry): uniformly random in
    /// `0...min(maxDelay, baseDelay × 2^(retry-1))`. Clamped, so no configuration can trap.
    func delay<G: RandomNumberGenerator>(beforeRetry retry: Int, using generator: inout G) -> Duration {
        let base = SafeNumbers.seconds(policy.baseDelay)
        let cap = SafeNumbers.seconds(policy.maxDelay)
        let ceiling = min(cap, base * pow2(min(max(retry - 1, 0), 30)))
        guard ceiling.isFinite, ceiling > 0 else { return .zero }
        return SafeNumbers.duration(seconds: Double.random(in: 0...ceiling, using: &generator))
    }

    private func pow2(_ exponent: Int) -> Double { Double(1 << exponent) }
}
