import Dispatch
import TFScriptLuaHost
import Synchronization

/// The host side of one `tf.parallel` call: which coroutines are its workers, the requests
/// they have in flight, and the queue their answers arrive on.
///
/// Confined to the Lua thread, except ``Mailbox``, where request tasks (on Swift's
/// concurrency pool) post answers. A worker's `tf` call starts its request here and suspends
/// its coroutine (``perform(_:_:)``); the Lua scheduler loop (``ParallelSchedulerSource``)
/// asks ``wait(block:)`` which workers can go on, and resumes them, which re-runs their host
/// call to pick the answer up.
final class ParallelRun {
    /// What a worker's coroutine yields to the scheduler while its request is in flight.
    static let suspendedMarker = LuaValue.lightUserdata(0x7466_7061)

    /// One request started by a worker.
    final class Operation {
        let sequence: Int
        let worker: Int
        /// Set when the answer arrived.
        var result: Result<any Sendable, any Error>?
        /// Set when the scheduler handed the answer to the worker (resumed it).
        var delivered = false

        init(sequence: Int, worker: Int) {
            self.sequence = sequence
            self.worker = worker
        }
    }

    /// Where request tasks post answers; the only part shared across threads.
    final class Mailbox: Sendable {
        private let posted = Mutex<[(Int, Result<any Sendable, any Error>)]>([])
        let signal = DispatchSemaphore(value: 0)

        func post(_ sequence: Int, _ result: Result<any Sendable, any Error>) {
            posted.withLock { $0.append((sequence, result)) }
            signal.signal()
        }

        func take() -> [(Int, Result<any Sendable, any Error>)] {
            posted.withLock { posted in
                defer { posted.removeAll(keepingCapacity: true) }
                return posted
            }
        }
    }

    /// Unowned: the state owns this run (through its host functions and coroutine owners), and a
    /// strong reference back made a cycle that kept a state, and its whole Lua heap, alive
    /// after a run that a limit ended before the run's `<close>` could clear it.
    unowned let state: LuaState
    private var workers: [LuaCoroutineID: Int] = [:]
    /// Requests not yet handed to their worker, in the order they were made.
    private var undelivered: [Operation] = []
    private var inFlight: [Int: (operation: Operation, task: Task<Void, Never>)] = [:]
    private var nextSequence = 0
    private let mailbox = Mailbox()

    init(state: LuaState) {
        self.state = state
    }

    /// Makes `coroutine` worker `index` of this run: its `tf` calls will suspend it.
    func adopt(_ coroutine: LuaCoroutineID, index: Int) {
        workers[coroutine] = index
        state.setOwner(self, of: coroutine)
    }

    /// A worker's `tf` call: starts `operation` and suspends the worker, or, when the worker
    /// is resumed with the answer (the host call re-runs), returns it or throws its error.
    func perform<T: Sendable>(_ call: LuaHostCall, _ operation: @escaping @Sendable () async throws -> T) throws -> T {
        if let started = call.journal.next() as? Operation {
            // Resumed before the answer was handed out (another coroutine resumed this one):
            // wait again, so answers stay in the scheduler's order.
            guard started.delivered, let result = started.result else {
                throw LuaHostSuspension(yielding: Self.suspendedMarker)
            }
            return try result.get() as! T
        }
        guard let worker = workers[call.coroutine] else { return try HostBridge.run(on: state, operation) }
        let started = Operation(sequence: nextSequence, worker: worker)
        nextSequence += 1
        let mailbox = mailbox
        let sequence = started.sequence
        let task = state.hostTasks.start {
            let result: Result<any Sendable, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            mailbox.post(sequence, result)
        }
        inFlight[sequence] = (started, task)
        undelivered.append(started)
        call.journal.append(started)
        throw LuaHostSuspension(yielding: Self.suspendedMarker)
    }

    /// The workers whose answers have arrived, to resume now (in item order). With `block`,
    /// waits until there is at least one, woken by each answer and by the timeout and
    /// interrupt (a request cannot be interrupted by the count hook; no polling).
    func wait(block: Bool) throws -> [Int] {
        try state.interruptHandle.waking(mailbox.signal) {
            while true {
                if let limit = state.limitReachedDuringHostCall() { throw limit }
                collect()
                let ready = takeDeliverable()
                if !ready.isEmpty || !block { return ready }
                guard !undelivered.isEmpty else {
                    throw ScriptError.validation(
                        "tf.parallel", "every worker is suspended but no request is in flight (did fn yield a value it got from resuming another coroutine?)")
                }
                _ = mailbox.signal.wait(timeout: state.hostWaitDeadline)
            }
        }
    }

    /// Waits until every request in flight has answered (the answers are dropped), so a
    /// fail-fast error is raised only once nothing this call started is still running.
    func drain() throws {
        try state.interruptHandle.waking(mailbox.signal) {
            while !inFlight.isEmpty {
                if let limit = state.limitReachedDuringHostCall() { throw limit }
                collect()
                if inFlight.isEmpty { break }
                _ = mailbox.signal.wait(timeout: state.hostWaitDeadline)
            }
        }
    }

    /// Ends the run: cancels what is still in flight (a limit or an error ended it early) and
    /// releases the workers, whose coroutines Lua then collects.
    ///
    /// Cancelled requests get up to ``HostBridge/cancellationGrace`` to wind down, so what
    /// they do on cancellation (a journal's `unknown` outcome) is done before the run goes on.
    func finish() {
        for (_, entry) in inFlight { entry.task.cancel() }
        let deadline = DispatchTime.now() + HostBridge.cancellationGraceInterval
        while !inFlight.isEmpty, DispatchTime.now() < deadline {
            collect()
            if inFlight.isEmpty { break }
            _ = mailbox.signal.wait(timeout: deadline)
        }
        inFlight.removeAll()
        undelivered.removeAll()
        for coroutine in workers.keys { state.setOwner(nil, of: coroutine) }
        workers.removeAll()
    }

    private func collect() {
        for (sequence, result) in mailbox.take() {
            guard let entry = inFlight.removeValue(forKey: sequence) else { continue }
            entry.operation.result = result
        }
    }

    /// The operations whose answers have arrived, in worker order, as a live run delivers them.
    /// Dry runs do the same: holding answers back in issue order (for a reproducible plan) let
    /// a slow read that then failed end a `fail_fast` dry run before workers whose answers had
    /// arrived reached their changes, which the live run sent (issue 19, section 2).
    private func takeDeliverable() -> [Int] {
        var ready = undelivered.filter { $0.result != nil }
        if !ready.isEmpty {
            undelivered.removeAll { $0.result != nil }
            ready.sort { $0.worker < $1.worker }
        }
        for operation in ready { operation.delivered = true }
        return ready.map(\.worker)
    }
}
