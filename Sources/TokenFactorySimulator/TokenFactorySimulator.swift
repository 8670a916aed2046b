internal import Hummingbird
public import TFScriptJSON
internal import Logging
internal import NIOCore

/// A stateful Token Factory control plane served over real HTTP on loopback.
///
/// Start one with ``start(configuration:)``, point a `TokenFactoryClient` at ``baseURL`` with
/// ``token``, and ``shutdown()`` when done. Cheap enough to start one per test. Tests inspect
/// what reached the server with ``requestLog()`` and shape its behaviour with ``setFaults(_:)``
/// and ``advanceClock(by:)``, or over HTTP through the `/_simulator` control routes.
public final class TokenFactorySimulator: Sendable {
    /// `http://127.0.0.1:PORT` (`https://` with ``Configuration/tls``), no trailing slash.
    public let baseURL: String
    /// The bearer token the server accepts.
    public let token: String
    /// The bound TCP port.
    public let port: Int
    let state: SimulatorState
    private let serverTask: Task<Void, any Error>

    private init(baseURL: String, token: String, port: Int, state: SimulatorState, serverTask: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.token = token
        self.port = port
        self.state = state
        self.serverTask = serverTask
    }

    /// Binds and starts serving; returns once the port is open.
    ///
    /// - Throws: when the address cannot be bound (port in use) or the server fails to start.
    public static func start(configuration: Configuration = Configuration()) async throws -> TokenFactorySimulator {
        let token = configuration.token ?? randomToken()
        let state = SimulatorState(
            fleet: configuration.fleet, templates: configuration.templates, faults: configuration.faults,
            speed: configuration.speed, pageSize: configuration.pageSize, shape: configuration.shape
        )
        let router = makeRouter(state: state, token: token)
        let server = try configuration.tls?.serverBuilder() ?? .http1()
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: configuration.logger
        )
        let task = Task {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            try await task.value
            throw StartError(description: "the simulator could not bind \(configuration.host):\(configuration.port)")
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let scheme = configuration.tls == nil ? "http" : "https"
        return TokenFactorySimulator(baseURL: "\(scheme)://\(host):\(port)", token: token, port: port, state: state, serverTask: task)
    }

    /// A start failure that says which address.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static func makeRouter(state: SimulatorState, token: String) -> Router<SimulatorContext> {
        let router = Router(context: SimulatorContext.self)
        router.add(middleware: SimulatorMiddleware(state: state, token: token))
        EndpointRoutes(state: state).register(on: router)
        ControlRoutes(state: state).register(on: router)
        return router
    }

    static func randomToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "sim-" + String((0..<32).map { _ in alphabet.randomElement()! })
    }

    /// Stops serving and waits until the port is closed.
    public func shutdown() async {
        serverTask.cancel()
        _ = try? await serverTask.value
    }

    /// Waits until the server stops on its own (used by `tfscript simulator` until a signal).
    public func waitUntilStopped() async throws {
        try await serverTask.value
    }

    /// Every API request received so far, oldest first (control routes excluded).
    public func requestLog() async -> [RecordedRequest] { await state.log }

    /// Forgets the request log, e.g. after a test's set-up requests.
    public func clearRequestLog() async { await state.clearLog() }

    /// Replaces the active faults.
    public func setFaults(_ faults: [Fault]) async { await state.setFaults(faults) }

    /// Adds faults to the active ones.
    public func addFaults(_ faults: [Fault]) async { await state.addFaults(faults) }

    /// The faults still active (with their remaining counts).
    public func activeFaults() async -> [Fault] { await state.faults }

    /// Moves simulated time forward, completing transitions without sleeping.
    public func advanceClock(by seconds: Double) async { await state.advanceClock(by: seconds) }

    /// The current endpoints as the API would return them.
    public func endpoints() async -> [JSONValue] { await state.snapshot() }
}
