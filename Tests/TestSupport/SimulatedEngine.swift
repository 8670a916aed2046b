public import TFScript
import TFScriptSimulation
public import TokenFactorySimulator

/// An engine over a simulator the test owns, so assertions can read the server's request
/// log: the in-process replacement for starting a simulator and spawning the binary.
public struct SimulatedEngine: Sendable {
    public let engine: ScriptEngine
    public let simulator: TokenFactorySimulator

    /// Starts a simulator (instant transitions unless `speed` says otherwise) and an engine on it.
    public static func start(
        fleet: [JSONValue] = Fleet.demo, speed: Double = .infinity, pageSize: Int = 50
    ) async throws -> SimulatedEngine {
        let configuration = TokenFactorySimulator.Configuration(fleet: fleet, speed: speed, pageSize: pageSize)
        let engine = try await ScriptEngine(controlPlane: .simulator(configuration))
        return SimulatedEngine(engine: engine, simulator: engine.simulator!)
    }

    /// What a run produced, in the words of the binary's tests: exit status, stdout, stderr.
    public struct Run: Sendable {
        public var result: ScriptResult
        public init(result: ScriptResult) { self.result = result }
        public var status: Int32 { result.exitCode }
        public var stdout: String { result.output }
        /// The diagnostic (a script error's message and traceback, a limit's message).
        public var stderr: String { result.error ?? "" }
    }

    /// Runs `source` as `script.lua` (tracebacks say `script.lua:LINE:`).
    public func run(
        _ source: String, arguments: [String] = [], _ configure: (inout ScriptOptions) -> Void = { _ in }
    ) async throws -> Run {
        var options = ScriptOptions()
        options.arguments = arguments
        configure(&options)
        return Run(result: await engine.run(.text(source, name: "script.lua"), options: options))
    }

    /// Requests that would change something (POST, PATCH, DELETE) seen by the server.
    public func mutatingRequests() async -> [String] { await simulator.mutatingRequests() }

    public func requestCount() async -> Int { await simulator.requestLog().count }

    /// A clock that moves this simulator's time with every sleep (see ``SimulatedClock``).
    public func simulatedClock() -> SimulatedClock { SimulatedClock(driving: simulator) }

    public func stop() async { try? await engine.shutdown() }
}
