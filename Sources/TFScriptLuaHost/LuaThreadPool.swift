import Foundation
import Synchronization
internal import TFScriptLuaShims

/// Long-lived threads with big stacks for ``LuaThread/run(name:stackSize:_:)``.
///
/// Why: a run used to start a thread with a 64 MiB stack and end it afterwards; mapping,
/// faulting in and unmapping that stack, and the thread's start, cost more than the whole
/// small script (issue 21). A pooled thread runs one job at a time, to its end; a job never
/// waits behind another job (a busy pool starts another thread), so a run blocked on HTTP
/// cannot hold up another run. At most ``maxIdle`` threads wait for work; a thread idle for
/// ``idleTimeout`` ends, so an app that stops running scripts gets its threads back.
///
/// Waking a sleeping thread is what a hand-off costs most: tens of microseconds on a virtual
/// machine, whose idle CPU must be woken by the hypervisor. So jobs wait in one queue, and a
/// job goes to a thread that is already awake when there is one: a thread still doing the last
/// job's short deferred part (closing its state; see ``LuaThread/run(name:stackSize:deferring:)``),
/// or one that looks for work a little before it sleeps. Only when every awake thread is
/// spoken for is a sleeping thread woken, or a new one started.
///
/// What a job leaves on its thread is its stack memory, which no Lua state can reach (each
/// run builds and closes its own state inside the job). Pages deeper than ``keptStack`` are
/// given back when the thread goes to sleep (`tfs_thread_stack_trim`), so an idle pool holds
/// no deep run's peak; a thread taking runs in a row reuses its pages.
final class LuaThreadPool: Sendable {
    /// A job's main part; what it returns runs next on the same thread, before the thread
    /// takes another job, so it must be short (a job waiting in the queue waits for it).
    typealias Job = @Sendable () -> (() -> Void)?

    /// The one pool of default-sized Lua threads.
    static let shared = LuaThreadPool(stackSize: LuaThread.defaultStackSize, maxIdle: idleBound, idleTimeout: .seconds(30))

    /// How many threads may wait idle: as many as runs a busy app keeps in flight. With only
    /// 2 × cores, 8 tasks running scripts in a loop ended a thread and started another every
    /// ~12 runs (a 64 MiB mapping, its first pages, a thread start; issue 21). An idle thread
    /// costs its few touched stack pages, and leaves after ``idleTimeout``.
    static let idleBound = max(16, ProcessInfo.processInfo.activeProcessorCount * 8)

    let stackSize: Int
    let maxIdle: Int
    let idleTimeout: DispatchTimeInterval
    /// Stack kept resident after a job: more than a small run touches, far less than a
    /// deep one (nested value copies, C calls nested to Lua's limit).
    static let keptStack = 1 << 20
    /// How long an idle thread looks for its next job before it sleeps: long enough for a
    /// caller's loop to come back with the next run (it builds that run's state meanwhile,
    /// ~50 µs), short enough to cost little when no run comes.
    static let lookForWork: Duration = .microseconds(200)

    private final class Sleeper: Sendable {
        let wake = DispatchSemaphore(value: 0)
    }

    private struct State {
        var jobs: [Job] = []
        /// Threads that will look at `jobs` without being woken: running a job's deferred
        /// part, looking for work before they sleep, just woken or just started.
        var awake = 0
        var sleeping: [Sleeper] = []
        var threads = 0
        /// Threads started so far.
        var started = 0
    }

    private let state = Mutex(State())
    /// `jobs.count`, for threads that look for work without taking the lock each time.
    private let queued = Atomic<Int>(0)
    /// Whether an idle thread is looking for work now (``lookForWork``).
    private let looking = Atomic<Bool>(false)
    /// Jobs running now (their main part).
    private let running = Atomic<Int>(0)

    init(stackSize: Int, maxIdle: Int, idleTimeout: DispatchTimeInterval) {
        self.stackSize = stackSize
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
    }

    /// Threads the pool has now, busy or idle (for tests: runs must not leave threads behind).
    var threadCount: Int { state.withLock { $0.threads } }
    /// Threads this pool has started so far (for tests: runs in a loop reuse the threads they
    /// have, they do not end one and start another).
    var startedCount: Int { state.withLock { $0.started } }

    /// Queues `job` for an awake thread, waking or starting one when every awake thread
    /// already has a job coming.
    func submit(_ job: @escaping Job) {
        enum Start { case none, wake(Sleeper), thread }
        let start: Start = state.withLock { state in
            state.jobs.append(job)
            queued.store(state.jobs.count, ordering: .releasing)
            guard state.jobs.count > state.awake else { return .none }
            state.awake += 1
            if let sleeper = state.sleeping.popLast() { return .wake(sleeper) }
            state.threads += 1
            state.started += 1
            return .thread
        }
        switch start {
        case .none: return
        case .wake(let sleeper): sleeper.wake.signal()
        case .thread:
            let thread = Thread { [self] in loop() }
            thread.name = "tfscript.lua"
            thread.stackSize = stackSize
            thread.start()
        }
    }

    /// Takes the oldest queued job; the thread stops counting as awake when it gets one.
    private func take(_ state: inout State) -> Job? {
        guard !state.jobs.isEmpty else { return nil }
        state.awake -= 1
        defer { queued.store(state.jobs.count, ordering: .releasing) }
        return state.jobs.removeFirst()
    }

    /// A thread's life: starts awake, runs jobs until it has slept ``idleTimeout`` without one
    /// (or enough others sleep already).
    private func loop() {
        // Named from the thread itself: Foundation's `Thread.name` does not reach the system's
        // name on Linux (the thread showed its creator's, a Dispatch worker's), and `top -H`,
        // `perf` and debuggers should show what these threads are.
        tfs_thread_set_name("tfscript.lua")
        let me = Sleeper()
        while let job = nextJob(me) {
            running.wrappingAdd(1, ordering: .relaxed)
            let afterwards = job()
            running.wrappingSubtract(1, ordering: .relaxed)
            state.withLock { $0.awake += 1 }
            afterwards?()
        }
    }

    /// The next job for an awake thread: one queued, one queued while it looks for a few
    /// microseconds (runs often come in a row, and a job found this way costs no wake-up), or
    /// one it is woken for; nil when the thread should end.
    private func nextJob(_ me: Sleeper) -> Job? {
        enum Next { case run(Job), sleep, leave }
        while true {
            if let job = state.withLock({ take(&$0) }) { return job }
            // One thread looks at a time, and only for runs in a row: while no job runs and at
            // most one caller waits (the one whose next run is coming). With more runs in
            // flight, their callers and jobs have the cores' work; looking would take it.
            if running.load(ordering: .relaxed) == 0, JobWatchers.inFlight.load(ordering: .relaxed) <= 1,
               looking.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
                let until = ContinuousClock.now.advanced(by: Self.lookForWork)
                while queued.load(ordering: .acquiring) == 0, ContinuousClock.now < until { sched_yield() }
                looking.store(false, ordering: .releasing)
            }
            let next: Next = state.withLock { state in
                if let job = take(&state) { return .run(job) }
                state.awake -= 1
                guard state.sleeping.count < maxIdle else {
                    state.threads -= 1
                    return .leave
                }
                state.sleeping.append(me)
                return .sleep
            }
            switch next {
            case .run(let job): return job
            case .leave: return nil
            case .sleep: tfs_thread_stack_trim(Self.keptStack)
            }
            if me.wake.wait(timeout: .now() + idleTimeout) == .timedOut {
                let leaving = state.withLock { state in
                    guard let index = state.sleeping.firstIndex(where: { $0 === me }) else { return false }
                    state.sleeping.remove(at: index)
                    state.threads -= 1
                    return true
                }
                if leaving { return nil }
                me.wake.wait() // taken by `submit` as the wait ended: it counted us awake
            }
            // Woken, and counted awake by `submit`: take a job, or sleep again if another
            // awake thread took it first.
        }
    }
}
