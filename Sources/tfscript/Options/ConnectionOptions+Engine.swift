import Foundation
import Logging
import TFScript
import TokenFactorySimulator

extension ConnectionOptions {
    /// Opens the engine these options describe, runs `body`, and shuts the engine down
    /// whatever happens: `run`, `repl` and `apply` share this life cycle.
    ///
    /// The CLI's own policy lives here, not in the library: the token comes from `--token-file`
    /// or the environment, warnings and the simulator banner go to stderr, and a missing token
    /// is not fatal until the script's first API call (exit 2, saying how to fix it).
    func withEngine<T>(logger: Logger, _ body: (ScriptEngine) async throws -> T) async throws -> T {
        let engine = try await openEngine(logger: logger)
        do {
            let result = try await body(engine)
            try? await engine.shutdown()
            return result
        } catch {
            try? await engine.shutdown()
            throw error
        }
    }

    private func openEngine(logger: Logger) async throws -> ScriptEngine {
        let connection = try await controlPlaneConnection(logger: logger)
        let engine: ScriptEngine
        do {
            engine = try await ScriptEngine(controlPlane: connection, logger: logger, httpLogger: Logger(label: "tfscript.http"))
        } catch let error as TokenFactoryError {
            throw CommandFailure(exitCode: 2, message: error.description)
        }
        if let simulator = engine.simulator {
            StandardError.write(
                "tfscript: running against a simulated control plane at \(simulator.baseURL) "
                    + "(in memory, \(counted(simulatorFleetCount, "endpoint")); nothing real is touched)\n")
        }
        return engine
    }

    private var simulatorFleetCount: Int { (try? fleet.map(Fleet.load(path:)))??.count ?? Fleet.demo.count }

    private func controlPlaneConnection(logger: Logger) async throws -> ControlPlaneConnection {
        if simulator {
            var configuration = TokenFactorySimulator.Configuration(speed: 10)
            if let fleet {
                do { configuration.fleet = try Fleet.load(path: fleet) } catch {
                    throw CommandFailure(exitCode: 2, message: "--fleet \(fleet): \(error)")
                }
            }
            return .simulator(configuration, timeouts: timeouts)
        }
        let baseURL = self.baseURL ?? TokenFactoryClient.Configuration.defaultBaseURL
        let credentials: Credentials
        do {
            credentials = try Credentials.resolve(tokenFile: tokenFile, environment: ProcessInfo.processInfo.environment)
        } catch where error.kind == .configuration && tokenFile == nil {
            var missing = error
            missing.message += ". To try tfscript without an account, add --simulator"
            return .unconfigured(missing, baseURL: baseURL)
        } catch {
            throw CommandFailure(exitCode: 2, message: error.description)
        }
        logger.debug("using API token", metadata: ["source": "\(credentials.source)"])
        for warning in credentials.warnings { StandardError.write("tfscript: warning: \(warning)\n") }
        return .api(baseURL: baseURL, token: credentials.token, timeouts: timeouts, caFile: caFile)
    }
}

/// A command failed in a way already explained to the user: print `message`, exit `exitCode`.
struct CommandFailure: Error, CustomStringConvertible {
    var exitCode: Int32
    var message: String
    var description: String { message }
}
