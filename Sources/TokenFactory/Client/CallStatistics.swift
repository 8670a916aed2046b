import Synchronization

/// What the API calls of one caller did: how many attempts were retries, and how many
/// mutations (create, patch, delete) went out on the wire.
///
/// A task-local, like ``ResponseBudget``: one client serves many runs at once, and the counts
/// belong to the run, so the script runtime sets one per run around every `tf` call. Scheduled
/// runs report them in their summary (`changes_sent`, `retries`), so a monitor sees a run that
/// only succeeded after retrying, or that changed more than expected.
public final class CallStatistics: Sendable {
    private let retryCount = Atomic<Int>(0)
    private let mutationCount = Atomic<Int>(0)

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

    func recordRetry() { retryCount.add(1, ordering: .relaxed) }
    func recordMutationSent() { mutationCount.add(1, ordering: .relaxed) }
}
