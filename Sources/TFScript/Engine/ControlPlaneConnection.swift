public import Foundation
public import TFScriptRuntime
public import TokenFactory

/// Which control plane an engine's scripts talk to.
///
/// Chosen once per engine: the real API (token given by the embedder; the library reads no
/// environment or file), a custom ``ControlPlane`` the embedder implements (a fake for its own
/// tests, a proxy, an audit layer), or a server the engine starts and stops with itself (the
/// simulator: `ControlPlaneConnection.simulator(_:)` in the `TFScriptSimulation` product, so
/// that embedders who do not use it do not link it).
public struct ControlPlaneConnection: Sendable {
    enum Kind: Sendable {
        case api(TokenFactoryClient.Configuration)
        case started(@Sendable () async throws -> (TokenFactoryClient.Configuration, any EngineService))
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

    /// A server the engine starts when it opens and stops at ``ScriptEngine/shutdown()``:
    /// `start` returns the client configuration that reaches it, and the service to stop.
    /// (How `TFScriptSimulation` starts a simulator; also for a local proxy or test server.)
    public static func started(
        _ start: @escaping @Sendable () async throws -> (TokenFactoryClient.Configuration, any EngineService)
    ) -> ControlPlaneConnection {
        ControlPlaneConnection(kind: .started(start))
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

/// Something an engine owns and stops when it shuts down (see
/// ``ControlPlaneConnection/started(_:)``).
public protocol EngineService: Sendable {
    func shutdown() async
}
