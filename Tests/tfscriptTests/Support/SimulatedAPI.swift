import Foundation
import TFScriptJSON
import TokenFactorySimulator

/// A simulator started by the test process, so tests can run the real `tfscript` binary
/// against it (`--base-url`, token in the environment) and then read its request log.
struct SimulatedAPI {
    let simulator: TokenFactorySimulator

    static func start(
        fleet: [JSONValue] = Fleet.demo, speed: Double = .infinity, pageSize: Int = 50
    ) async throws -> SimulatedAPI {
        let configuration = TokenFactorySimulator.Configuration(fleet: fleet, speed: speed, pageSize: pageSize)
        return SimulatedAPI(simulator: try await TokenFactorySimulator.start(configuration: configuration))
    }

    var baseURL: String { simulator.baseURL }
    var token: String { simulator.token }

    /// The environment a user would have: PATH and the token, nothing else.
    var environment: [String: String] {
        TFScriptProcess.baseEnvironment.merging(["TOKEN_FACTORY_API_KEY": token]) { _, new in new }
    }

    /// Runs `tfscript run --base-url URL FLAGS script` with `source` as the script.
    func run(_ source: String, flags: [String] = [], arguments: [String] = [], command: String = "run") async throws -> TFScriptProcess.Result {
        let script = try TFScriptProcess.writeTemporaryFile(named: "script.lua", contents: source)
        return try await tfscript([command, "--base-url", baseURL] + flags + [script.path] + arguments)
    }

    /// Runs any tfscript command line against this simulator's environment.
    func tfscript(_ arguments: [String], stdin: String? = nil) async throws -> TFScriptProcess.Result {
        try await TFScriptProcess.run(arguments, stdin: stdin, environment: environment)
    }

    /// Requests that would change something (POST, PATCH, DELETE) seen by the server.
    func mutatingRequests() async -> [String] {
        await simulator.requestLog()
            .filter { ["POST", "PATCH", "DELETE", "PUT"].contains($0.method) }
            .map { "\($0.method) \($0.path)" }
    }

    func requestCount() async -> Int { await simulator.requestLog().count }

    func stop() async { await simulator.shutdown() }
}
