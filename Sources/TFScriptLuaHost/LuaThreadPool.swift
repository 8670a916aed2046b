import Foundation
import Synchronization
internal import TFScriptLuaShims

/// Long-lived threads with big stacks for ``LuaThread/run(name:stackSize:_:)``.
///
/// Why: a run used to start a thread with a 64 MiB stack and end it afterwards; mapping,
/// faulting in and unmapping that stack, and the thread's start, cost more than the whole
/// small script (issue 21). A pooled thread runs one job at a time, to its end; a job never
/// waits for a thread (a busy pool starts another one), so a run blocked on HTTP cannot hold
/// up another run. At most ``maxIdle`` threads wait for work; a thread idle for
/// ``idleTimeout`` ends, so an app that stops running scripts gets its threads back.
///
/// What a job leaves on its thread is its stack memory, which no Lua state can reach (each
/// run builds and closes its own state inside the job). Pages deeper than ``keptStack`` are
/// given back after each job (`tfs_thread_stack_trim`), so the pool holds no deep run's peak.
final class LuaThreadPool: Sendable {
    typealias Job = @Sendable () -> Void

    /// The one pool of default-sized Lua threads.
    static let shared = LuaThreadPool(
        stackSize: LuaThread.defaultStackSize,
        maxIdle: max(4, ProcessInfo.processInfo.activeProcessorCount * 2),
        idleTimeout: .seconds(30))

    let stackSize: Int
    let maxIdle: Int
    let idleTimeout: DispatchTimeInterval
    /// Stack kept resident after a job: more than a small run touches, far less than a
    /// deep one (nested value copies, C calls nested to Lua's limit).
    static let keptStack = 1 << 20
    /// How many times an idle thread yields, looking for its next job, before it sleeps.
    static let spins = 50

    private final class Worker: Sendable {
        let wake = DispatchSemaphore(value: 0)
        let job = Mutex<Job?>(nil)
    }

    private struct State {
        var idle: [Worker] = []
        var threads = 0
    }

    private let state = Mutex(State())

    init(stackSize: Int, maxIdle: Int, idleTimeout: DispatchTimeInterval) {
        self.stackSize = stackSize
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
    }

    /// Threads the pool has now, busy or idle (for tests: runs must not leave threads behind).
    var threadCount: Int { state.withLock { $0.threads } }

    /// Runs `job` on an idle thread, or on a new one when none is idle.
    func submit(_ job: @escaping Job) {
        let worker: Worker? = state.withLock { state in
            if let worker = state.idle.popLast() { return worker }
            state.threads += 1
            return nil
        }
        if let worker {
            worker.job.withLock { $0 = job }
            worker.wake.signal()
            return
        }
        let thread = Thread { [self] in loop(first: job) }
        thread.name = "tfscript.lua"
        thread.stackSize = stackSize
        thread.start()
    }

    private func loop(first: @escaping Job) {
        let me = Worker()
        var next: Job? = first
        while let job = next {
            job()
            tfs_thread_stack_trim(Self.keptStack)
            let parked = state.withLock { state in
                guard state.idle.count < maxIdle else {
                    state.threads -= 1
                    return false
                }
                state.idle.append(me)
                return true
            }
            guard parked else { return }
            // Runs often come in a row (a caller's loop): look for the next job for a few
            // microseconds before sleeping, so handing it over costs no futex wake-up (a
            // semaphore signalled before anyone waits on it wakes no one).
            for _ in 0..<Self.spins where me.job.withLock({ $0 == nil }) { sched_yield() }
            if me.wake.wait(timeout: .now() + idleTimeout) == .timedOut {
                let leaving = state.withLock { state in
                    guard let index = state.idle.firstIndex(where: { $0 === me }) else { return false }
                    state.idle.remove(at: index)
                    state.threads -= 1
                    return true
                }
                if leaving { return }
                me.wake.wait() // taken by `submit` as the wait ended: its job is coming
            }
            next = me.job.withLock { job in
                defer { job = nil }
                return job
            }
        }
    }
}
