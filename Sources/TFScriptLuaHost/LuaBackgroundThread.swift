import Foundation
internal import TFScriptLuaShims

extension LuaThread {
    /// Runs `work` on the process's background Lua thread, which runs only when a core is
    /// otherwise idle (`SCHED_IDLE`), one job after another.
    ///
    /// Why: states built ahead of demand (issue 21) are work no caller waits for. Built on the
    /// threads that run scripts, right after a run, they took the cores the next run's hand-offs
    /// needed; built here, they fill the gaps between runs and yield to everything else. Work
    /// here may be starved for as long as the cores are busy: callers never wait for it without
    /// a bound, and must not queue work that holds memory (a job here builds, never closes).
    package static func inBackground(_ work: @escaping @Sendable () -> Void) {
        LuaBackgroundThread.shared.submit(work)
    }
}

/// The one background Lua thread (see ``LuaThread/inBackground(_:)``), started on first use.
final class LuaBackgroundThread: @unchecked Sendable { // `jobs` and `started` are guarded by `condition`
    static let shared = LuaBackgroundThread()

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var started = false

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let start = !started
        started = true
        condition.signal()
        condition.unlock()
        guard start else { return }
        let thread = Thread { [self] in loop() }
        thread.name = "tfscript.lua.background"
        thread.stackSize = LuaThread.defaultStackSize
        thread.start()
    }

    private func loop() {
        _ = tfs_thread_run_when_idle() // best effort: without it the thread runs at normal priority
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            tfs_thread_stack_trim(LuaThreadPool.keptStack)
        }
    }
}
