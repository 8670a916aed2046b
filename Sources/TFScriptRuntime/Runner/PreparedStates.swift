import Foundation
package import TFScriptLuaHost

/// Sandboxed states with the `tf` module installed, built ahead of demand for the next run of
/// the same shape (issue 21).
///
/// Why: building a state (the sandboxed library, its self-check, the `tf` functions and their
/// Lua preludes) is most of a small embedded run. A run's caller, once it has handed the run
/// to a Lua thread, has nothing to do until the result comes; it builds the next run's state
/// then (``ScriptRunner/run()``), so the next run finds one ready and the building overlaps
/// this run instead of delaying the next. Isolation is unchanged: a state here has run host
/// code only, never a script's; each is taken by one run, bound to it
/// (``TFModule/bind(_:in:)``) and closed after it. Limits are given when a run adopts it
/// (``LuaState/adopt(configuration:interruptHandle:)``), so they hold as for a state built for
/// the run; one that does not fit (over the run's memory limit) is closed and the run builds
/// its own.
///
/// States are built only for a shape that repeats (the same sandbox and catalogue as the run
/// before), so runs that all differ (a seed each) cost no extra work. At most ``capacity``
/// wait or are being built; an engine's ``drain()`` closes them.
package final class PreparedStates: @unchecked Sendable { // `slots` is guarded by `lock`
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

    /// A state handed from the thread that built it to the one that runs it. Never used by
    /// two threads at once: the lock hands it over, and only one run takes it.
    private final class Handoff: @unchecked Sendable {
        let state: LuaState
        let shape: Shape
        /// The ticket of the run whose caller built it: only later runs take it.
        let builtDuring: Int
        init(_ state: LuaState, _ shape: Shape, builtDuring: Int) {
            self.state = state
            self.shape = shape
            self.builtDuring = builtDuring
        }
    }

    private struct Slots {
        /// The shape of the latest run that asked for a state to be built.
        var lastShape: Shape?
        var ready: [Handoff] = []
        /// States being built now.
        var building = 0
        var drained = false
        var taken = 0
        var tickets = 0

        /// Removes the states built for another shape than `shape` (to be closed outside the lock).
        mutating func dropAllBut(_ shape: Shape) -> [Handoff] {
            guard ready.contains(where: { $0.shape != shape }) else { return [] }
            let stale = ready.filter { $0.shape != shape }
            ready.removeAll { $0.shape != shape }
            return stale
        }
    }

    private let lock = NSLock()
    private nonisolated(unsafe) var slots = Slots() // guarded by `lock`
    /// Most states waiting or being built at once (about one per core: enough for runs in a
    /// row and for concurrent ones to find one each; each is a few hundred KiB).
    package let capacity: Int

    package init(capacity: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
        self.capacity = capacity
    }

    private func locked<T>(_ body: (inout Slots) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&slots)
    }

    /// States waiting now (for tests and the residue count).
    package var count: Int { locked { $0.ready.count } }
    /// States runs have taken so far (for tests: the runs they attack used one).
    package var taken: Int { locked { $0.taken } }

    /// A run's ticket, taken before it starts: a run never takes the state its own caller
    /// builds (that is for the next run), so which state a run gets does not depend on how
    /// fast its thread starts.
    package func ticket() -> Int {
        locked { slots in
            slots.tickets += 1
            return slots.tickets
        }
    }

    /// A state built for `shape` by an earlier run's caller than `ticket`'s, or nil. States
    /// built for another shape are dropped (closed as they go).
    package func take(_ shape: Shape, ticket: Int) -> LuaState? {
        var stale: [Handoff] = []
        defer { _ = stale } // closed here, outside the lock
        return locked { slots in
            stale = slots.dropAllBut(shape)
            guard let index = slots.ready.lastIndex(where: { $0.builtDuring < ticket }) else { return nil }
            slots.taken += 1
            return slots.ready.remove(at: index).state
        }
    }

    /// Called by a run's caller while the run goes on: when the shape repeats (the run
    /// before had it too) and fewer than ``capacity`` states are ready or being built, builds
    /// one for the next run of `shape`, here.
    package func prepare(_ shape: Shape, ticket: Int, build: () throws -> LuaState) {
        var stale: [Handoff] = []
        let wanted = locked { slots -> Bool in
            defer { slots.lastShape = shape }
            guard !slots.drained, slots.lastShape == shape else { return false }
            stale = slots.dropAllBut(shape)
            guard slots.ready.count + slots.building < capacity else { return false }
            slots.building += 1
            return true
        }
        _ = stale
        guard wanted else { return }
        let built: LuaState?
        do { built = try build() } catch { built = nil }
        let unused: Handoff? = locked { slots in
            slots.building -= 1
            guard let built else { return nil }
            let handoff = Handoff(built, shape, builtDuring: ticket)
            guard !slots.drained, slots.lastShape == shape, slots.ready.count < capacity else { return handoff }
            slots.ready.append(handoff)
            return nil
        }
        _ = unused // closed here, outside the lock
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
