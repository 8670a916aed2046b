import Dispatch
import Synchronization

/// The async work host functions started for one state (HTTP calls, sleeps), so that the end
/// of a run, or of a REPL statement, can cancel what is still in flight and wait for it.
///
/// Why it exists: a limit is sticky, so once it trips no Lua code runs, and neither does a
/// host function a `<close>` handler would call (``tf.parallel``'s run handle). Work that a
/// scheduler in Lua would have cancelled therefore kept running, retrying and journaling after
/// the run had ended. Registering every task here, outside Lua, lets the host end it whatever
/// state the script is in.
///
/// Thread-safe: tasks register and leave from any thread; ``cancelAll(grace:)`` is called by
/// the thread that owns the state once the script has stopped.
public final class HostTaskSet: Sendable {
    private struct Entries {
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var next: UInt64 = 0
    }

    private let entries = Mutex(Entries())
    private let finished = DispatchSemaphore(value: 0)

    public init() {}

    /// Starts `body` in a task of its own (inheriting the caller's task-locals) and keeps it
    /// until it ends. Returns the task, which the caller may cancel too.
    @discardableResult
    public func start(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        // Created under the lock, so the task's own removal (which takes the lock) always
        // comes after its record.
        entries.withLock { entries in
            let id = entries.next
            entries.next += 1
            let task = Task { [self] in
                await body()
                self.entries.withLock { _ = $0.tasks.removeValue(forKey: id) }
                finished.signal()
            }
            entries.tasks[id] = task
            return task
        }
    }

    /// How many tasks are still running.
    public var count: Int { entries.withLock { $0.tasks.count } }

    /// Cancels every task still running and waits, up to `grace`, for them to end, so that
    /// what they do on cancellation (a journal's `unknown` outcome, a log line) happens before
    /// the caller reports the end of the run. Blocks the calling thread: call it from the
    /// state's own thread, never from Swift concurrency's pool.
    ///
    /// - Returns: how many tasks were still running when the grace ran out (0: all ended).
    @discardableResult
    public func cancelAll(grace: Duration) -> Int {
        let running = entries.withLock { Array($0.tasks.values) }
        guard !running.isEmpty else { return 0 }
        for task in running { task.cancel() }
        let deadline = ContinuousClock.now.advanced(by: grace)
        while true {
            let left = entries.withLock { $0.tasks.count }
            if left == 0 { return 0 }
            let now = ContinuousClock.now
            if now >= deadline { return left }
            let wait = min(now.duration(to: deadline), .milliseconds(50))
            let nanoseconds = wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
            _ = finished.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
        }
    }
}
