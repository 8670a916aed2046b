public import AsyncHTTPClient
public import Logging
public import TFScriptRuntime
public import TokenFactory

/// Runs Lua automation scripts in-process: the one composition root the `tfscript` CLI, its
/// REPL and embedders share.
///
/// An engine owns one control-plane connection (a client, and what it started) and is
/// otherwise stateless: every ``run(_:options:)`` gets a fresh sandboxed Lua state on its own
/// thread, so runs are independent and may overlap freely. (Between runs the engine builds
/// the next run's state ahead of demand: a few sandboxed states, never run, wait until
/// ``shutdown()``.) Limits end a run, never the host;
/// nothing in it writes to the process's stdout/stderr, installs signal handlers, reads the
/// environment or exits. Call ``shutdown()`` once, after the last run.
public final class ScriptEngine: Sendable {
    /// The release version, `tf.version` in scripts.
    public static let version = "0.1.0"

    let connection: OpenControlPlane
    /// Where the engine logs, and where `tf.log` goes unless a run names its own logger.
    public let logger: Logger
    /// Sandboxed states with `tf` built between runs, for the engine's next run of the same
    /// shape (issue 21: most of a small run's cost, taken off its path).
    let preparedStates = PreparedStates()

    /// States built ahead that wait for a run now (tests: a warmed engine keeps some,
    /// ``shutdown()`` closes them).
    package var statesBuiltAhead: Int { preparedStates.count }
    /// How many runs took a state built ahead (tests: what they attack is such a state).
    package var statesTakenFromAhead: Int { preparedStates.taken }

    /// Opens the control plane (starting what a ``ControlPlaneConnection/started(_:)``
    /// connection starts). There is no default: an engine talks to the API, a custom plane or
    /// a simulator because its embedder said so.
    ///
    /// - Parameters:
    ///   - logger: logs nothing unless the embedder passes one that does (swift-log's rule for
    ///     libraries).
    ///   - httpClient: an `HTTPClient` to share (its configuration, pools and event loops); the
    ///     engine does not shut it down. Nil: the engine makes and owns one. Configure a shared
    ///     one with `redirectConfiguration = .disallow`, or a redirect could carry the token away.
    ///   - httpLogger: where the control-plane client logs requests and retries; nil: `logger`.
    /// - Throws: `TokenFactoryError` (kind `configuration`) for an unusable base URL or token;
    ///   a started service's start error.
    public init(
        controlPlane: ControlPlaneConnection,
        logger: Logger = Logger(label: "tfscript", factory: { _ in SwiftLogNoOpLogHandler() }),
        httpClient: HTTPClient? = nil,
        httpLogger: Logger? = nil
    ) async throws {
        self.logger = logger
        self.connection = try await OpenControlPlane.open(controlPlane, httpClient: httpClient, logger: httpLogger ?? logger)
    }

    /// An engine over the embedder's own control plane (``ControlPlaneConnection/custom(_:baseURL:)``).
    public convenience init(controlPlane: any ControlPlane, logger: Logger = Logger(label: "tfscript", factory: { _ in SwiftLogNoOpLogHandler() })) async throws {
        try await self.init(controlPlane: .custom(controlPlane), logger: logger)
    }

    /// The control plane's base URL; plans record it, and `apply` refuses another one.
    public var baseURL: String { connection.baseURL }

    /// What the engine started with its connection (a simulator), for the products that
    /// started it (`TFScriptSimulation`'s `simulator`).
    package var service: (any EngineService)? { connection.service }

    /// Why API calls fail when the engine is `.unconfigured`, else nil.
    public var configurationError: TokenFactoryError? { connection.missing }

    /// The control plane a live run's `tf` calls go to, journaled when `journal` is given;
    /// for applying a saved plan (``PlanApplier``) with the engine's connection.
    public func liveControlPlane(journal: Journal? = nil) -> any ControlPlane {
        connection.controlPlane(journal: journal)
    }

    /// Closes the client's connections and stops what the connection started. Runs still going fail their
    /// API calls with a transport error; call it after the last run has returned.
    public func shutdown() async throws {
        preparedStates.drain()
        try await connection.close()
    }
}
