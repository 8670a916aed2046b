import Foundation
package import TFScriptLuaHost

/// Sandboxed states with the `tf` module installed, built ahead of demand on the background
/// Lua thread (``LuaThread/inBackground(_:)``: only when a core is otherwise idle), for the
/// next run of the same shape (issue 21).
///
/// Why: building a state (the sandboxed library, its self-check, ~50 `tf` functions and their
/// Lua preludes) was most of a small embedded run; closing it was more. A run now takes a
/// state built while earlier runs went on, and its own is closed after it has reported, off
/// the caller's path. Isolation is unchanged: a state here has run host code
/// only, never a script's; each is taken by one run, bound to it (``TFModule/bind(_:in:)``)
/// and closed after it. Limits are given when a run adopts it
/// (``LuaState/adopt(configuration:interruptHandle:)``), so they hold as for a state built
/// for the run; one that does not fit (another sandbox, over the run's memory limit) is
/// closed and the run builds its own.
///
/// States are built only for a shape that repeats (the same sandbox and catalogue as the
/// run before), so runs that all differ (a seed each) cost no extra work. At most
/// ``capacity`` wait; an engine's ``drain()`` closes them.
package final class PreparedStates: @unchecked Sendable { // `slots` is guarded by `condition`
    /// What a state is built for: what its sandbox and `tf` module bake in.
    package struct Shape: Sendable, Equatable {
        var requirePaths: [String]
        var environment: [String: String]
        var randomSeed: Int64?
        var operations: [String]

        package init(sandbox: LuaStateConfiguration.Sandbox, operations: [EndpointOperation]) {
            requirePaths = sandbox.requirePaths
            environment = sandbox.environment
            randomSeed = sandbox.randomSeed
            self.operations = operations.map(\.name)
        }
    }

    /// A state handed from the Lua thread that built it to the one that runs it. Never used by
    /// two threads at once: the mutex hands it over, and only one run takes it.
    private final class Handoff: @unchecked Sendable {
        let state: LuaState
        init(_ state: LuaState) { self.state = state }
    }

    private struct Slots {
        var shape: Shape?
        var lastShape: Shape?
        var ready: [Handoff] = []
        /// States being built for ``shape`` now, and runs waiting for one of them.
        var building = 0
        var waiting = 0
        /// Whether the background thread has a fill for us queued, and what it builds: the
        /// newest request, read when the fill starts (a fill queued for an older shape serves
        /// the newer one).
        var queued = false
        var request: (shape: Shape, build: @Sendable () throws -> LuaState)?
        var drained = false
        var taken = 0
    }

    /// Guards `slots`; runs waiting for a state being built sleep on it.
    private let condition = NSCondition()
    private nonisolated(unsafe) var slots = Slots() // guarded by `condition`
    /// Most states waiting at once (about one per core: enough for runs in a row and for
    /// concurrent ones to find one each; each is a few hundred KiB).
    package let capacity: Int
    /// The longest a run waits for a state being built before it builds its own: the builder
    /// yields to every other thread, so on busy cores it may not finish soon.
    static let longestWait: TimeInterval = 0.002

    package init(capacity: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
        self.capacity = capacity
    }

    private func locked<T>(_ body: (inout Slots) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&slots)
    }

    /// States waiting now (for tests and the residue count).
    package var count: Int { locked { $0.ready.count } }
    /// States runs have taken so far (for tests: the runs they attack used one).
    package var taken: Int { locked { $0.taken } }

    /// A state built for `shape`, or nil (none ready nor being built for it). A state being
    /// built when none is ready is waited for (at most ``longestWait``), by as many runs as
    /// there are such states: it started before this run. States built for another shape are
    /// dropped (closed as they go).
    package func take(_ shape: Shape) -> LuaState? {
        var stale: [Handoff] = []
        condition.lock()
        defer {
            condition.unlock()
            _ = stale // closed here, outside the lock
        }
        guard slots.shape == shape else {
            stale = slots.ready
            slots.ready = []
            slots.shape = nil
            return nil
        }
        if slots.ready.isEmpty, slots.building > slots.waiting {
            slots.waiting += 1
            let deadline = Date(timeIntervalSinceNow: Self.longestWait)
            while slots.ready.isEmpty, slots.building > 0, slots.shape == shape, condition.wait(until: deadline) {}
            slots.waiting -= 1
        }
        guard slots.shape == shape, let handoff = slots.ready.popLast() else { return nil }
        slots.taken += 1
        return handoff.state
    }

    /// After a run of `shape` has reported: when the shape repeats (the run before had it
    /// too) and fewer than ``capacity`` states are ready or being built, asks the background
    /// thread to build states for it, up to ``capacity``. At most one such request waits.
    package func runEnded(_ shape: Shape, build: @escaping @Sendable () throws -> LuaState) {
        var stale: [Handoff] = []
        let wanted = locked { slots -> Bool in
            defer { slots.lastShape = shape }
            guard !slots.drained, slots.lastShape == shape else { return false }
            if slots.shape != shape {
                stale = slots.ready
                slots.ready = []
                slots.shape = shape
            }
            guard slots.ready.count + slots.building < capacity else { return false }
            slots.request = (shape, build)
            guard !slots.queued else { return false }
            slots.queued = true
            return true
        }
        _ = stale
        guard wanted else { return }
        LuaThread.inBackground { [self] in fill() }
    }

    /// On the background thread: builds states for the newest request's shape until
    /// ``capacity`` are ready or being built (or the shape changes, or the engine shuts down).
    private func fill() {
        let request = locked { slots in
            slots.queued = false
            defer { slots.request = nil }
            return slots.request
        }
        guard let (shape, build) = request else { return }
        while true {
            let wanted = locked { slots -> Bool in
                guard !slots.drained, slots.shape == shape, slots.ready.count + slots.building < capacity else { return false }
                slots.building += 1
                return true
            }
            guard wanted else { return }
            let built = try? build()
            let stale: Handoff? = locked { slots in
                slots.building -= 1
                defer { condition.broadcast() }
                guard let built else { return nil }
                let handoff = Handoff(built)
                guard !slots.drained, slots.shape == shape, slots.ready.count < capacity else { return handoff }
                slots.ready.append(handoff)
                return nil
            }
            guard stale == nil, built != nil else { return }
        }
    }

    /// Closes every waiting state and builds no more (the engine shuts down).
    package func drain() {
        let stale = locked { slots in
            slots.drained = true
            defer { slots.ready = [] }
            return slots.ready
        }
        _ = stale
    }
}
