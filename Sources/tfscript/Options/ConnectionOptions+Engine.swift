import TFScriptJSON
import TokenFactory
import TFScriptRuntime
import Foundation
import Logging
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

extension ConnectionOptions {
    /// Opens the engine these options describe, runs `body`, and shuts the engine down
    /// whatever happens: `run`, `repl` and `apply` share this life cycle.
    ///
    /// The CLI's own policy lives here, not in the library: the token comes from `--token-file`
    /// or the environment, warnings and the simulator banner go to stderr, and a missing token
    /// is not fatal until the script's first API call (exit 2, saying how to fix it).
    func withEngine<T>(logger: Logger, _ body: (ScriptEngine) async throws -> T) async throws -> T {
        let cassette = try openCassette()
        let engine = try await openEngine(logger: logger, cassette: cassette)
        do {
            let result = try await body(engine)
            try? await engine.shutdown()
            try saveCassette(cassette)
            return result
        } catch {
            try? await engine.shutdown()
            try? saveCassette(cassette)
            throw error
        }
    }

    /// `--replay`'s cassette, read and checked; `--record`'s, empty; else nil.
    private func openCassette() throws -> Cassette? {
        if let path = replay {
            do { return try Cassette(replayingFile: path) } catch {
                throw CommandFailure(exitCode: 2, message: "\(error.message) (--replay)")
            }
        }
        guard record != nil else { return nil }
        let target = try? ConnectionSettings.resolve(
            profileFlag: profile, baseURLFlag: baseURL, tokenFileFlag: tokenFile, environment: ProcessInfo.processInfo.environment).baseURL.value
        return Cassette(recordingAgainst: TokenFactoryClient.Configuration.redactingCredentials(in: target ?? ""))
    }

    /// Writes `--record`'s cassette (mode 0600, pretty JSON with sorted keys: diffs read well).
    private func saveCassette(_ cassette: Cassette?) throws {
        guard let cassette, cassette.mode == .recording, let path = record else { return }
        do {
            try PrivateFile.write(Array((cassette.json.serialized(pretty: true) + "\n").utf8), to: path)
        } catch {
            throw CommandFailure(exitCode: 1, message: "cannot write the cassette \(path): \(error) (--record)")
        }
    }

    private func openEngine(logger: Logger, cassette: Cassette?) async throws -> ScriptEngine {
        let (connection, baseURLSource) = try await controlPlaneConnection(logger: logger, cassette: cassette)
        let engine: ScriptEngine
        do {
            engine = try await ScriptEngine(controlPlane: connection, logger: logger, httpLogger: Logger(label: "tfscript.http"))
        } catch let error as TokenFactoryError {
            let source = baseURLSource.map { " (base URL from \($0))" } ?? ""
            throw CommandFailure(exitCode: 2, message: error.description + source)
        }
        if let simulator = engine.simulator {
            Diagnostics.write(
                "tfscript: running against a simulated control plane at \(simulator.baseURL) "
                    + "(in memory, \(counted(simulatorFleetCount, "endpoint")); nothing real is touched)\n",
                event: "simulator", level: .info, fields: ["base_url": .string(simulator.baseURL)])
        }
        return engine
    }

    private var simulatorFleetCount: Int { (try? fleet.map(Fleet.load(path:)))??.count ?? Fleet.demo.count }

    /// The connection, and where its base URL came from when not from `--base-url` or the default.
    private func controlPlaneConnection(logger: Logger, cassette: Cassette?) async throws -> (ControlPlaneConnection, baseURLSource: String?) {
        if simulator {
            var configuration = TokenFactorySimulator.Configuration(speed: 10)
            if let fleet {
                do { configuration.fleet = try Fleet.load(path: fleet) } catch {
                    throw CommandFailure(exitCode: 2, message: "--fleet \(fleet): \(error)")
                }
            }
            return (.simulator(configuration, timeouts: timeouts), nil)
        }
        if let cassette, cassette.mode == .replaying {
            // Nothing is sent: the cassette answers, and no token is read (none would be sent).
            return (.api(.replaying(cassette, baseURL: baseURL, timeouts: timeouts)), nil)
        }
        let environment = ProcessInfo.processInfo.environment
        let settings = try ConnectionSettings.resolve(
            profileFlag: profile, baseURLFlag: baseURL, tokenFileFlag: tokenFile, environment: environment)
        let baseURL = settings.baseURL.value
        if settings.baseURL.source != "default" {
            logger.debug("using base URL", metadata: ["base_url": "\(baseURL)", "source": "\(settings.baseURL.source)"])
        }
        let credentials: Credentials
        do {
            credentials = try settings.credentials(environment: environment)
        } catch where error.kind == .configuration && settings.tokenFile == nil && error.message.hasPrefix(Credentials.missingTokenMessagePrefix) {
            // No token at all: scripts that never call the API still run. A token that is
            // there but unusable (a control character) is a usage error below.
            var missing = error
            missing.message += ", or give a profile a token_file (tfscript config show). To try tfscript without an account, add --simulator"
            return (.unconfigured(missing, baseURL: baseURL), nil)
        } catch {
            throw CommandFailure(exitCode: 2, message: error.description)
        }
        logger.debug("using API token", metadata: ["source": "\(credentials.source)"])
        for warning in credentials.warnings { Diagnostics.warning(warning) }
        let source = ["default", "--base-url"].contains(settings.baseURL.source) ? nil : settings.baseURL.source
        var configuration = TokenFactoryClient.Configuration(
            baseURL: baseURL, token: credentials.token, timeouts: timeouts, trustedCAs: caFile.map { [.file($0)] } ?? [])
        configuration.tokenSource = credentials.source
        configuration.cassette = cassette
        return (.api(configuration), source)
    }
}

/// A command failed in a way already explained to the user: print `message`, exit `exitCode`.
struct CommandFailure: Error, CustomStringConvertible {
    var exitCode: Int32
    var message: String
    var description: String { message }
}
