import Synchronization

/// How many bytes of response bodies the calls of one task may still receive: the script
/// runtime sets one per `tf` call from what is left of the script's memory limit, so list pages
/// fetched for a script count against its budget (DESIGN.md §4; a server handing out pages
/// forever once took a run to 1.7 GB under a 64 MiB limit).
///
/// A task-local, not client configuration: one client serves many runs (and an embedder's
/// many engines), and the budget belongs to the caller. Each body is charged as it streams in,
/// at ``footprintFactor`` times its size (the bytes, plus the decoded value built from them),
/// so an exhausted budget stops the body and the listing at once, with a
/// ``TokenFactoryError/Kind/limit`` error.
public final class ResponseBudget: Sendable {
    /// Host memory one body byte stands for while the call holds it: the raw bytes and the
    /// decoded JSON value (strings and containers), measured at about 3× the text.
    public static let footprintFactor = 4

    private let remaining: Atomic<Int>

    /// A budget of `bytes` of host memory.
    public init(bytes: Int) { remaining = Atomic(max(0, bytes)) }

    /// The budget of the calls made by the current task (nil: unlimited).
    @TaskLocal public static var current: ResponseBudget?

    /// Takes `bodyBytes` (times the footprint factor) from the budget; false when they do not fit.
    public func spend(bodyBytes: Int) -> Bool {
        let (cost, overflow) = bodyBytes.multipliedReportingOverflow(by: Self.footprintFactor)
        if overflow { return false }
        let (left, _) = remaining.subtract(cost, ordering: .relaxed)
        return left >= 0
    }

    /// Whether a call ran out of this budget.
    public var isExhausted: Bool { remaining.load(ordering: .relaxed) < 0 }

    /// A budget of what is left of this one, for work that runs on after the caller's step
    /// (a page fetched ahead): it cannot spend more than the caller could have.
    func snapshot() -> ResponseBudget { ResponseBudget(bytes: max(0, remaining.load(ordering: .relaxed))) }

    /// Marks the budget spent: work done ahead on this caller's behalf ran out of it.
    func exhaust() { remaining.store(-1, ordering: .relaxed) }
}
