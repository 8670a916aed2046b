public import TFScriptJSON
public import Logging
public import TokenFactory
public import TokenFactorySimulator

/// Starts a simulator and a client pointed at it, runs `body`, and tears both down: the
/// scoped simulator every suite that talks HTTP shares.
///
/// Retries are fast (1 ms base delay) so fault tests take milliseconds, not seconds. A
/// simulator serving HTTPS (``TokenFactorySimulator/Configuration/tls``) is trusted through
/// `trustedCAs` (``TestCertificates/caPEM``).
public func withSimulator<T>(
    _ configuration: TokenFactorySimulator.Configuration = .init(speed: .infinity),
    retry: TokenFactoryClient.Retry = .init(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), totalBudget: .seconds(20)),
    maxResponseBytes: Int = 64 << 20,
    timeouts: TokenFactoryClient.Timeouts = .init(),
    trustedCAs: [CACertificates] = [],
    logger: Logger? = nil,
    _ body: (TokenFactorySimulator, TokenFactoryClient) async throws -> T
) async throws -> T {
    let simulator = try await TokenFactorySimulator.start(configuration: configuration)
    let client: TokenFactoryClient
    do {
        let clientConfiguration = TokenFactoryClient.Configuration(
            baseURL: simulator.baseURL, token: simulator.token, timeouts: timeouts, retry: retry, maxResponseBytes: maxResponseBytes,
            trustedCAs: trustedCAs
        )
        if let logger {
            client = try TokenFactoryClient(configuration: clientConfiguration, logger: logger)
        } else {
            client = try TokenFactoryClient(configuration: clientConfiguration)
        }
    } catch {
        await simulator.shutdown()
        throw error
    }
    do {
        let result = try await body(simulator, client)
        try await client.shutdown()
        await simulator.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        await simulator.shutdown()
        throw error
    }
}

/// A valid create spec for the built-in catalogue.
public func sampleSpec(name: String = "test-new", region: String = "eu-west1") -> JSONValue {
    [
        "name": .string(name), "model_name": "openai/gpt-oss-20b", "flavor_name": "base",
        "gpu_type": "gpu-h100-sxm", "gpu_count": 1, "region": .string(region),
        "scaling": ["min_replicas": 0, "max_replicas": 2],
    ]
}


extension TokenFactorySimulator {
    /// Requests that would change something (POST, PATCH, DELETE, PUT) the server received, as
    /// `METHOD /path`: what dry-run tests assert is empty.
    public func mutatingRequests() async -> [String] {
        await requestLog()
            .filter { ["POST", "PATCH", "DELETE", "PUT"].contains($0.method) }
            .map { "\($0.method) \($0.path)" }
    }
}
