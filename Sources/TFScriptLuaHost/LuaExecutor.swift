import Foundation
internal import TFScriptLuaShims

/// A long-lived dedicated thread that owns a non-Sendable context (typically a ``LuaState``)
/// and runs jobs on it, for sessions that span many calls (the REPL).
///
/// The context is created on the thread and never leaves it; jobs receive it as a parameter.
/// Jobs run one at a time, in order. For a single run, ``LuaThread/run(name:stackSize:_:)``
/// is simpler.
public final class LuaExecutor<Context>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [(Result<Context, any Error>) -> Void] = [] // guarded by condition
    private var stopping = false                // guarded by condition

    /// Starts the thread and creates the context on it. If `makeContext` throws, every job
    /// fails with that error. The thread keeps the executor alive until ``shutdown()``.
    public init(
        name: String = "tfscript.lua",
        stackSize: Int = LuaThread.defaultStackSize,
        makeContext: @escaping @Sendable () throws -> Context
    ) {
        let thread = Thread { [condition] in
            tfs_thread_set_name(name)
            var context: Result<Context, any Error>? = Result { try makeContext() }
            while true {
                condition.lock()
                while self.jobs.isEmpty && !self.stopping { condition.wait() }
                if self.jobs.isEmpty { condition.unlock(); break }
                let job = self.jobs.removeFirst()
                condition.unlock()
                job(context!)
            }
            context = nil // released on its own thread
        }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// Runs `body` with the context on the executor's thread and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable (Context) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { context in
                continuation.resume(with: Result { try body(context.get()) })
            }
        }
    }

    /// Lets the thread finish the queued jobs, release the context and exit.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping (Result<Context, any Error>) -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            job(.failure(LuaExecutorError("the Lua executor was shut down")))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }
}

/// The executor cannot run jobs (its context failed to build, or it was shut down).
public struct LuaExecutorError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
