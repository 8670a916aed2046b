import AsyncHTTPClient
import Logging
import TFScriptRuntime
import TokenFactory
import TokenFactorySimulator

/// A connection once opened: the client (and simulator) an engine owns until shutdown.
final class OpenControlPlane: Sendable {
    let client: TokenFactoryClient?
    let simulator: TokenFactorySimulator?
    let custom: (any ControlPlane)?
    let missing: TokenFactoryError?
    let baseURL: String

    private init(client: TokenFactoryClient? = nil, simulator: TokenFactorySimulator? = nil, custom: (any ControlPlane)? = nil, missing: TokenFactoryError? = nil, baseURL: String) {
        self.client = client
        self.simulator = simulator
        self.custom = custom
        self.missing = missing
        self.baseURL = baseURL
    }

    static func open(_ connection: ControlPlaneConnection, httpClient: HTTPClient?, logger: Logger) async throws -> OpenControlPlane {
        switch connection.kind {
        case .api(let configuration):
            let client = try TokenFactoryClient(configuration: configuration, httpClient: httpClient, logger: logger)
            return OpenControlPlane(client: client, baseURL: configuration.baseURL)
        case .simulator(let configuration, let timeouts):
            let simulator = try await TokenFactorySimulator.start(configuration: configuration)
            do {
                let trusted: [CACertificates] = configuration.tls.map { [.pem($0.certificateChainPEM)] } ?? []
                let client = try TokenFactoryClient(
                    configuration: .init(baseURL: simulator.baseURL, token: simulator.token, timeouts: timeouts, trustedCAs: trusted),
                    httpClient: httpClient, logger: logger)
                return OpenControlPlane(client: client, simulator: simulator, baseURL: simulator.baseURL)
            } catch {
                await simulator.shutdown()
                throw error
            }
        case .custom(let plane, let baseURL):
            return OpenControlPlane(custom: plane, baseURL: TokenFactoryClient.Configuration.redactingCredentials(in: baseURL))
        case .unconfigured(let error, let baseURL):
            return OpenControlPlane(missing: error, baseURL: TokenFactoryClient.Configuration.redactingCredentials(in: baseURL))
        }
    }

    /// What reads go to (dry runs read through it; apply checks staleness with it).
    var reader: any EndpointReading {
        if let custom { return custom }
        if let client { return APIReader(client: client) }
        return UnconfiguredControlPlane(error: missing!)
    }

    /// What a live run's calls go to.
    func controlPlane(journal: Journal?) -> any ControlPlane {
        if let custom { return custom }
        if let client { return LiveControlPlane(client: client, journal: journal) }
        return UnconfiguredControlPlane(error: missing!)
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
        do { try await client?.shutdown() } catch { failure = error }
        await simulator?.shutdown()
        if let failure { throw failure }
    }
}
