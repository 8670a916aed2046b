import ArgumentParser
import Foundation
import TFScriptJSON
import TFScriptRuntime
import Logging
import TokenFactory
import TokenFactorySimulator

/// The control plane a command talks to: the real API, or a simulator started in-process for
/// `--simulator`. Either way requests go over real HTTP through the same client.
final class ControlPlaneSession: Sendable {
    /// Nil when no token was found: see ``missingCredentials``.
    let client: TokenFactoryClient?
    let simulator: TokenFactorySimulator?
    let baseURL: String
    /// Why there is no client; every API call of the script fails with it.
    let missingCredentials: TokenFactoryError?

    private init(client: TokenFactoryClient?, simulator: TokenFactorySimulator?, baseURL: String, missingCredentials: TokenFactoryError? = nil) {
        self.client = client
        self.simulator = simulator
        self.baseURL = baseURL
        self.missingCredentials = missingCredentials
    }

    /// What the script's reads go to.
    var reader: any EndpointReading {
        if let client { return APIReader(client: client) }
        return UnconfiguredControlPlane(error: missingCredentials!)
    }

    /// What the script's calls go to in a real run.
    func controlPlane(journal: Journal?) -> any ControlPlane {
        if let client { return LiveControlPlane(client: client, journal: journal) }
        return UnconfiguredControlPlane(error: missingCredentials!)
    }

    /// Opens the connection the options describe. Fails with a usage error (exit 2) that says
    /// what to do when there is no token, the token file is unreadable or the URL is unsafe.
    static func open(_ options: ConnectionOptions, logger: Logger) async throws -> ControlPlaneSession {
        if options.simulator {
            var configuration = TokenFactorySimulator.Configuration(speed: 10)
            if let fleet = options.fleet {
                do { configuration.fleet = try Fleet.load(path: fleet) } catch {
                    throw CommandFailure(exitCode: 2, message: "--fleet \(fleet): \(error)")
                }
            }
            let simulator = try await TokenFactorySimulator.start(configuration: configuration)
            StandardError.write(
                "tfscript: running against a simulated control plane at \(simulator.baseURL) "
                    + "(in memory, \(configuration.fleet.count) endpoints; nothing real is touched)\n")
            do {
                let client = try TokenFactoryClient(
                    configuration: .init(baseURL: simulator.baseURL, token: simulator.token, timeouts: options.timeouts),
                    logger: Logger(label: "tfscript.http"))
                return ControlPlaneSession(client: client, simulator: simulator, baseURL: simulator.baseURL)
            } catch {
                await simulator.shutdown()
                throw CommandFailure(exitCode: 2, message: error.description)
            }
        }
        let baseURL = options.baseURL ?? TokenFactoryClient.Configuration.defaultBaseURL
        let credentials: Credentials
        do {
            credentials = try Credentials.resolve(tokenFile: options.tokenFile, environment: ProcessInfo.processInfo.environment)
        } catch where error.kind == .configuration && options.tokenFile == nil {
            // No token at all: scripts that never call the API still run; the first API call
            // fails with this message (exit 2).
            var missing = error
            missing.message += ". To try tfscript without an account, add --simulator"
            return ControlPlaneSession(client: nil, simulator: nil, baseURL: baseURL, missingCredentials: missing)
        } catch {
            throw CommandFailure(exitCode: 2, message: error.description)
        }
        logger.debug("using API token", metadata: ["source": "\(credentials.source)"])
        for warning in credentials.warnings { StandardError.write("tfscript: warning: \(warning)\n") }
        do {
            let client = try TokenFactoryClient(
                configuration: .init(baseURL: baseURL, token: credentials.token, timeouts: options.timeouts),
                logger: Logger(label: "tfscript.http"))
            return ControlPlaneSession(client: client, simulator: nil, baseURL: baseURL)
        } catch {
            throw CommandFailure(exitCode: 2, message: error.description)
        }
    }

    /// Closes connections and stops the simulator, if any.
    func close() async {
        try? await client?.shutdown()
        await simulator?.shutdown()
    }
}

/// A command failed in a way already explained to the user: print `message`, exit `exitCode`.
struct CommandFailure: Error, CustomStringConvertible {
    var exitCode: Int32
    var message: String
    var description: String { message }
}
