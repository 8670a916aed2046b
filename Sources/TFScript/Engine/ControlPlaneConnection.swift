public import Foundation
public import TFScriptRuntime
public import TokenFactory
public import TokenFactorySimulator

/// Which control plane an engine's scripts talk to.
///
/// Chosen once per engine: the real API (token given by the embedder; the library reads no
/// environment or file), a simulator started in-process on a loopback port (requests still go
/// over real HTTP), or a custom ``ControlPlane`` the embedder implements (a fake for its own
/// tests, a proxy, an audit layer).
public struct ControlPlaneConnection: Sendable {
    enum Kind: Sendable {
        case api(TokenFactoryClient.Configuration)
        case simulator(TokenFactorySimulator.Configuration, TokenFactoryClient.Timeouts)
        case custom(any ControlPlane, baseURL: String)
        case unconfigured(TokenFactoryError, baseURL: String)
    }

    let kind: Kind

    /// The Token Factory API at `baseURL` with a bearer `token`. Plain `http://` is refused
    /// unless the host is loopback.
    ///
    /// - Parameter caFile: a PEM file of certificate authorities to trust besides the system's:
    ///   a private CA, or the CA of a TLS-inspecting corporate proxy (`--ca-file`). The engine
    ///   fails to start when it cannot be read or holds no certificate.
    public static func api(
        baseURL: String = TokenFactoryClient.Configuration.defaultBaseURL, token: String,
        timeouts: TokenFactoryClient.Timeouts = TokenFactoryClient.Timeouts(),
        caFile: String? = nil
    ) -> ControlPlaneConnection {
        ControlPlaneConnection(kind: .api(.init(baseURL: baseURL, token: token, timeouts: timeouts, trustedCAs: caFile.map { [.file($0)] } ?? [])))
    }

    /// ``api(baseURL:token:timeouts:)`` with a `URL`.
    public static func api(baseURL: URL, token: String) -> ControlPlaneConnection {
        api(baseURL: baseURL.absoluteString, token: token)
    }

    /// The API with a full client configuration (retries, response caps, user agent).
    public static func api(_ configuration: TokenFactoryClient.Configuration) -> ControlPlaneConnection {
        ControlPlaneConnection(kind: .api(configuration))
    }

    /// A simulated control plane started by the engine (stopped by ``ScriptEngine/shutdown()``).
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
        ControlPlaneConnection(kind: .simulator(configuration, timeouts))
    }

    /// The embedder's own control plane; `baseURL` is what plans record as their target.
    public static func custom(_ plane: any ControlPlane, baseURL: String = "custom:") -> ControlPlaneConnection {
        ControlPlaneConnection(kind: .custom(plane, baseURL: baseURL))
    }

    /// No control plane: scripts that never call the API run; every `tf` API call fails with
    /// `error` (the CLI uses this when no token is configured, so the error says how to fix it).
    public static func unconfigured(_ error: TokenFactoryError, baseURL: String = TokenFactoryClient.Configuration.defaultBaseURL) -> ControlPlaneConnection {
        ControlPlaneConnection(kind: .unconfigured(error, baseURL: baseURL))
    }
}
