public import TFScript
public import TokenFactory
// The simulator's own API (configuration, fleets, faults, its request log) comes with it.
@_exported public import TokenFactorySimulator

/// The simulated control plane as an engine connection: in its own product so that an embedder
/// who never simulates does not link the simulator's HTTP server (Hummingbird, its TLS and
/// HTTP/2) or its catalogue of conformance records.
extension ControlPlaneConnection {
    /// A simulated control plane started by the engine on a loopback port (requests still go
    /// over real HTTP) and stopped by ``ScriptEngine/shutdown()``.
    ///
    /// With ``TokenFactorySimulator/Configuration/tls`` it serves HTTPS and the engine's client
    /// trusts the certificates of its chain (give a self-signed certificate, or a chain that
    /// ends with its CA).
    ///
    /// - Parameter timeouts: the engine's client's network limits towards it.
    public static func simulator(
        _ configuration: TokenFactorySimulator.Configuration = .init(speed: 10),
        timeouts: TokenFactoryClient.Timeouts = TokenFactoryClient.Timeouts()
    ) -> ControlPlaneConnection {
        .started {
            let simulator = try await TokenFactorySimulator.start(configuration: configuration)
            let trusted: [CACertificates] = configuration.tls.map { [.pem($0.certificateChainPEM)] } ?? []
            let client = TokenFactoryClient.Configuration(
                baseURL: simulator.baseURL, token: simulator.token, timeouts: timeouts, trustedCAs: trusted)
            return (client, simulator)
        }
    }
}

extension TokenFactorySimulator: EngineService {}

extension ScriptEngine {
    /// The in-process simulator of a ``ControlPlaneConnection/simulator(_:timeouts:)`` engine
    /// (for its request log and faults); nil for any other connection.
    public var simulator: TokenFactorySimulator? { service as? TokenFactorySimulator }
}
