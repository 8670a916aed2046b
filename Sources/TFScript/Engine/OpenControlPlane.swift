import AsyncHTTPClient
import Logging
import TFScriptRuntime
import TokenFactory

/// A connection once opened: what an engine's calls go to, and what it owns until shutdown.
final class OpenControlPlane: Sendable {
    /// Where calls go: exactly one of these.
    enum Target: Sendable {
        /// The API (or a simulator's), through the engine's client.
        case client(TokenFactoryClient)
        /// The embedder's own control plane.
        case custom(any ControlPlane)
        /// None: every call fails with this error.
        case unconfigured(TokenFactoryError)
    }

    let target: Target
    /// What the engine started with the connection (a simulator) and stops at shutdown.
    let service: (any EngineService)?
    let baseURL: String

    private init(_ target: Target, service: (any EngineService)? = nil, baseURL: String) {
        self.target = target
        self.service = service
        self.baseURL = baseURL
    }

    static func open(_ connection: ControlPlaneConnection, httpClient: HTTPClient?, logger: Logger) async throws -> OpenControlPlane {
        switch connection.kind {
        case .api(let configuration):
            let client = try TokenFactoryClient(configuration: configuration, httpClient: httpClient, logger: logger)
            return OpenControlPlane(.client(client), baseURL: configuration.baseURL)
        case .started(let start):
            let (configuration, service) = try await start()
            do {
                let client = try TokenFactoryClient(configuration: configuration, httpClient: httpClient, logger: logger)
                return OpenControlPlane(.client(client), service: service, baseURL: configuration.baseURL)
            } catch {
                await service.shutdown()
                throw error
            }
        case .custom(let plane, let baseURL):
            return OpenControlPlane(.custom(plane), baseURL: TokenFactoryClient.Configuration.redactingCredentials(in: baseURL))
        case .unconfigured(let error, let baseURL):
            return OpenControlPlane(.unconfigured(error), baseURL: TokenFactoryClient.Configuration.redactingCredentials(in: baseURL))
        }
    }

    /// Why calls fail, for an unconfigured connection.
    var missing: TokenFactoryError? {
        if case .unconfigured(let error) = target { return error }
        return nil
    }

    /// What reads go to (dry runs read through it; apply checks staleness with it).
    var reader: any EndpointReading {
        switch target {
        case .client(let client): APIReader(client: client)
        case .custom(let plane): plane
        case .unconfigured(let error): UnconfiguredControlPlane(error: error)
        }
    }

    /// What a live run's calls go to.
    func controlPlane(journal: Journal?) -> any ControlPlane {
        switch target {
        case .client(let client): LiveControlPlane(client: client, journal: journal)
        case .custom(let plane): plane
        case .unconfigured(let error): UnconfiguredControlPlane(error: error)
        }
    }

    /// A dry run's recorder: reads go through, changes are recorded; a read of an endpoint the
    /// run deleted answers 404 like the API would.
    func recorder() -> RecordingControlPlane {
        RecordingControlPlane(reader: reader) { id in
            TokenFactoryError(
                kind: .api, status: 404, message: "dedicated endpoint \(id) not found (deleted earlier in this dry run)",
                method: "GET", path: "/v0/dedicated_endpoints/\(id)")
        }
    }

    func close() async throws {
        var failure: (any Error)?
        if case .client(let client) = target {
            do { try await client.shutdown() } catch { failure = error }
        }
        await service?.shutdown()
        if let failure { throw failure }
    }
}
