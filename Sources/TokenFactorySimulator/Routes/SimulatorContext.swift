internal import Hummingbird

/// Per-request context: Hummingbird's core storage plus the fault chosen for this request, which
/// the middleware picks and the route applies to its response after doing the real work.
struct SimulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// A fault that spoils the response (drop, malformed, truncated, large), if any.
    var spoiler: Fault?

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.spoiler = nil
    }
}
