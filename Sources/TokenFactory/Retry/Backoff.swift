/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
struct Backoff {
    let policy: TokenFactoryClient.Retry

    /// The wait before retry number `retry` (1 for the first retry): uniformly random in
    /// `0...min(maxDelay, baseDelay × 2^(retry-1))`.
    func delay<G: RandomNumberGenerator>(beforeRetry retry: Int, using generator: inout G) -> Duration {
        let base = Double(policy.baseDelay.components.seconds) + Double(policy.baseDelay.components.attoseconds) / 1e18
        let cap = Double(policy.maxDelay.components.seconds) + Double(policy.maxDelay.components.attoseconds) / 1e18
        let ceiling = min(cap, base * pow2(min(retry - 1, 30)))
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int64(Double.random(in: 0...ceiling, using: &generator) * 1000))
    }

    private func pow2(_ exponent: Int) -> Double { Double(1 << exponent) }
}
