public import Logging
public import TFScriptLuaHost
import TFScriptJSON
public import TokenFactory
import Synchronization

/// The `tf` global (DESIGN.md §3): the control plane, JSON, logging, sleep. (`tf.vars` and
/// `arg` are set by the runner.)
///
/// One registrar per namespace (`tf.endpoints`, `tf.templates`, `tf.json`, `tf.log`), as in
/// Redis's `luaRegisterRedisAPI`. Every function checks its arguments before any request and
/// raises `ScriptError` tables. The `tf` table is an ordinary table (DESIGN.md §4: the host is
/// protected, not the script from itself).
public struct TFModule: Sendable {
    /// What one run's `tf` module talks to and knows.
    public struct Context: Sendable {
        /// Where calls go: the API, or the dry-run recorder (switchable, for the REPL).
        public var controlPlanes: ControlPlaneSelector
        /// Where `tf.log` goes.
        public var logger: Logger
        /// Told how each `tf.endpoints.wait` is going (``WaitProgress``); nil for nothing.
        public var waitProgress: (@Sendable (WaitProgress) -> Void)?
        /// `tf.version`.
        public var version: String
        /// The time `tf.sleep` and `tf.endpoints.wait` use (real time unless a host injects one).
        public var clock: ScriptClock
        /// Where the run's API calls count their retries and the mutations they sent (nil: not counted).
        public var statistics: CallStatistics?
        /// Told of each change a live call made, once the server accepted it (not under
        /// dry-run: the plan holds those); nil for nothing. See ``TFModule/changeMade(_:)``.
        public var changes: (@Sendable (PlanOperation) -> Void)?
        /// The operations scripts can call (`tf.endpoints.create`, …): ``EndpointOperation/builtIn``
        /// unless a test adds one.
        package var operations: [EndpointOperation] = EndpointOperation.builtIn

        public init(
            controlPlanes: ControlPlaneSelector,
            logger: Logger, waitProgress: (@Sendable (WaitProgress) -> Void)? = nil, version: String,
            clock: ScriptClock = .continuous, statistics: CallStatistics? = nil,
            changes: (@Sendable (PlanOperation) -> Void)? = nil
        ) {
            self.changes = changes
            self.controlPlanes = controlPlanes
            self.logger = logger
            self.waitProgress = waitProgress
            self.version = version
            self.clock = clock
            self.statistics = statistics
        }
    }

    /// The run this module serves: given at ``init(context:)``, or by ``bind(_:in:)`` for a
    /// module installed ahead of its run.
    private let binding: Binding
    /// The operations `tf.endpoints` has functions for (``Context/operations`` of the run it
    /// was made for).
    package let operations: [EndpointOperation]
    /// The state's `tf.parallel` calls now.
    let parallelRuns = ParallelRuns()

    /// One run's context and what the run's calls keep (iterators, the catalogue, sightings).
    struct Run: Sendable {
        let context: Context
        /// The run's open `tf.endpoints.each` iterators.
        let endpointCursors = EndpointCursors()
        /// The template catalogue, read once per run (per session in the REPL).
        let templateCache = TemplateCache()
        /// What the run read of each endpoint, for the `before` of change reports; only kept
        /// when someone is told of changes.
        let sightings: EndpointSightings?
        /// What `tf.log` may still write (``installLog(into:)``).
        let logBudget: LogBudget

        init(context: Context, maxOutputBytes: Int?) {
            self.context = context
            self.sightings = context.changes == nil ? nil : EndpointSightings()
            self.logBudget = LogBudget(bytes: maxOutputBytes ?? Int.max)
        }
    }

    /// Where the functions installed in a state find their run. Set once, before the script's
    /// first line (on the state's thread, before the run's first host call can read it).
    final class Binding: Sendable {
        private let run = Mutex<Run?>(nil)
        init(_ run: Run?) { self.run.withLock { $0 = run } }
        var current: Run {
            guard let run = run.withLock({ $0 }) else {
                preconditionFailure("a tf function ran before its module was bound to a run")
            }
            return run
        }
        func bind(_ run: Run) -> Bool {
            self.run.withLock { current in
                guard current == nil else { return false }
                current = run
                return true
            }
        }
    }

    var context: Context { binding.current.context }
    var endpointCursors: EndpointCursors { binding.current.endpointCursors }
    var templateCache: TemplateCache { binding.current.templateCache }
    var sightings: EndpointSightings? { binding.current.sightings }
    var logBudget: LogBudget { binding.current.logBudget }

    /// A module for one run, installed with ``install(into:)``.
    public init(context: Context) {
        self.binding = Binding(Run(context: context, maxOutputBytes: nil))
        self.operations = context.operations
        self.boundAtInit = true
    }

    /// A module installed ahead of its run (``installFunctions(into:)``), for a state built
    /// before demand: its functions find their run once ``bind(_:in:)`` gives it.
    package init(operations: [EndpointOperation]) {
        self.binding = Binding(nil)
        self.operations = operations
        self.boundAtInit = false
    }

    private let boundAtInit: Bool

    /// Installs `tf` into a fresh state, before the script is loaded.
    public func install(into state: LuaState) throws {
        try installFunctions(into: state)
        if boundAtInit {
            // The log's budget is the state's output cap, known only now.
            binding.current.logBudget.reset(to: state.configuration.maxOutputBytes ?? Int.max)
        }
        try installValues(into: state)
    }

    /// Gives a module installed ahead of its run (``init(operations:)``) the run's context,
    /// and sets the run's values (`tf.dry_run`, `tf.version`). Once per module.
    package func bind(_ context: Context, in state: LuaState) throws {
        precondition(context.operations.map(\.name) == operations.map(\.name), "a module is bound to a run of its own catalogue")
        guard binding.bind(Run(context: context, maxOutputBytes: state.configuration.maxOutputBytes)) else {
            preconditionFailure("a tf module serves one run")
        }
        try installValues(into: state)
    }

    /// The functions, metatables and host Lua code of `tf`: what does not depend on the run.
    /// They come from the catalogue's library (``library(operations:)``) and find this module
    /// through the state (``serving(_:)``).
    package func installFunctions(into state: LuaState) throws {
        state.hostContext = self
        try state.install(Self.library(operations: operations))
    }

    /// The module a library function serves: the one installed in the calling state.
    static func serving(_ call: LuaHostCall) throws -> TFModule {
        guard let module = call.state.hostContext as? TFModule else {
            throw UnboundModule()
        }
        return module
    }

    /// The `tf` library of a catalogue (by operation names): made once per catalogue and
    /// process, installed into every state (issue 21: making ~50 closures per state was most
    /// of building one).
    static func library(operations: [EndpointOperation]) -> LuaHostLibrary {
        let names = operations.map(\.name)
        return libraries.withLock { libraries in
            if let library = libraries[names] { return library }
            let library = LuaHostLibrary(
                [
                    // At their final sizes: `tf` (its modules, functions and the run's values)
                    // and `tf.endpoints` (the catalogue's functions, list and each).
                    .table(["tf"], size: 16),
                    .table(["tf", "endpoints"], size: operations.count + 8),
                    .metatable(LuaJSON.arrayMarker),
                    .metatable(LuaJSON.objectMarker),
                    .metatable(ScriptError.metatableName, functions: [
                        "__tostring": { call in
                            guard case .table(let table) = try call.argument(1) else { return ["tf error"] }
                            return [.string(LuaString(ScriptError.render(table)))]
                        }
                    ]),
                ]
                    + endpointsParts(operations: operations) + endpointPagesParts + templatesParts + jsonParts + logParts
                    + parallelParts + showParts
                    + [.module(["tf"], functions: ["sleep": { call in try serving(call).sleep(call) }])])
            libraries[names] = library
            return library
        }
    }

    private struct UnboundModule: Error, CustomStringConvertible {
        var description: String { "tfscript internal error: a tf function was called in a state without the tf module" }
    }

    /// The libraries made so far, by catalogue (few: the built-in one, and those tests add).
    private static let libraries = Mutex<[[String]: LuaHostLibrary]>([:])

    /// `tf.dry_run` and `tf.version`, the run's values.
    private func installValues(into state: LuaState) throws {
        let context = context
        try state.setModuleFields(["tf"], [
            "dry_run": .boolean(context.controlPlanes.isDryRun),
            "version": .string(LuaString(context.version)),
        ])
    }

    // MARK: tf.sleep

    private func sleep(_ call: LuaHostCall) throws -> [LuaValue] {
        let seconds = try Arguments.number(call, 1, name: "seconds", function: "tf.sleep")
        let duration = try Arguments.duration(seconds, allowZero: true, name: "seconds", function: "tf.sleep")
        let clock = context.clock
        try HostBridge.run(call) { try await clock.sleep(for: duration) }
        return []
    }

    // MARK: Calls into the control plane

    /// Runs a control-plane call for `function`, blocking the Lua thread (or suspending a
    /// `tf.parallel` worker), and turns client errors into script errors. Under dry-run a
    /// change suspends its worker like any call (its recording reads the `before` snapshot),
    /// so workers resume in the order their calls complete, as in a live run (issue 19).
    ///
    /// Response bodies fetched for the call are charged to what is left of the script's memory
    /// limit (``ResponseBudget``): a server that pages forever, or sends huge bodies, trips the
    /// memory limit (exit 3) instead of growing the host.
    func api<T: Sendable>(
        _ function: String, _ call: LuaHostCall, _ operation: @escaping @Sendable () async throws -> T
    ) throws -> T {
        let budget = call.state.memoryRemaining.map { ResponseBudget(bytes: $0) }
        let statistics = context.statistics
        do {
            return try HostBridge.run(call) {
                try await ResponseBudget.$current.withValue(budget) {
                    try await CallStatistics.$current.withValue(statistics) { try await operation() }
                }
            }
        } catch let error as TokenFactoryError {
            if error.kind == .limit, let budget, budget.isExhausted {
                _ = call.state.charge(Int.max / 2) // trips the memory limit; the trampoline raises it
            }
            throw ScriptError(error, function: function)
        }
    }
}
