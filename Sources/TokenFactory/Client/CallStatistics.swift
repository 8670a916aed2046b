import Synchronization

/// What the API calls of one caller did: how many attempts were retries, how many mutations
/// (create, patch, delete) went out on the wire, and how those ended.
///
/// A task-local, like ``ResponseBudget``: one client serves many runs at once, and the counts
/// belong to the run, so the script runtime sets one per run around every `tf` call. Scheduled
/// runs report them in their summary (`changes_sent`, `changes_ok`, `changes_failed`,
/// `changes_unknown`, `retries`, the endpoints changed), so a monitor sees a run that only
/// succeeded after retrying, that changed more than expected, or whose changes were refused.
public final class CallStatistics: Sendable {
    /// How a change that was sent ended.
    public enum ChangeOutcome: Sendable {
        /// The server accepted it.
        case ok
        /// The server answered with a refusal: not applied.
        case failed
        /// No answer (a timeout, a lost connection, cancellation): it may have been applied.
        case unknown
    }

    private let retryCount = Atomic<Int>(0)
    private let mutationCount = Atomic<Int>(0)
    private let outcomes = Mutex(Outcomes())

    private struct Outcomes {
        var ok = 0, failed = 0, unknown = 0
        var endpoints: [String] = []
        var seen: Set<String> = []
    }

    /// The most endpoint names kept for ``endpointsChanged`` (a summary, not a log).
    public static let maxEndpointsListed = 100

    /// Zero counts.
    public init() {}

    /// The statistics the current task's calls are counted in (nil: not counted).
    @TaskLocal public static var current: CallStatistics?

    /// Attempts made after a failed one (each retry of each call counts once).
    public var retries: Int { retryCount.load(ordering: .relaxed) }

    /// Create, patch and delete calls that reached the server: a connection was made and the
    /// request sent at least once, whatever the answer (a refused change counts; one that
    /// never got a connection does not). Each call counts once, however many attempts it took.
    public var mutationsSent: Int { mutationCount.load(ordering: .relaxed) }

    /// Changes the server accepted.
    public var changesOK: Int { outcomes.withLock { $0.ok } }
    /// Changes the server refused (an HTTP error answer).
    public var changesFailed: Int { outcomes.withLock { $0.failed } }
    /// Changes sent without an answer: they may have been applied.
    public var changesUnknown: Int { outcomes.withLock { $0.unknown } }
    /// The endpoints changed successfully (their names, else their ids), in the order first
    /// changed, each once; at most ``maxEndpointsListed``.
    public var endpointsChanged: [String] { outcomes.withLock { $0.endpoints } }

    func recordRetry() { retryCount.add(1, ordering: .relaxed) }
    func recordMutationSent() { mutationCount.add(1, ordering: .relaxed) }

    /// Counts how one sent change ended; `endpoint` (a name or an id) is listed when it was
    /// accepted.
    package func recordOutcome(_ outcome: ChangeOutcome, endpoint: String?) {
        outcomes.withLock { counts in
            switch outcome {
            case .ok:
                counts.ok += 1
                if let endpoint, counts.endpoints.count < Self.maxEndpointsListed, counts.seen.insert(endpoint).inserted {
                    counts.endpoints.append(endpoint)
                }
            case .failed: counts.failed += 1
            case .unknown: counts.unknown += 1
            }
        }
    }
}
