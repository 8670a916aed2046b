import Foundation
public import TFScriptJSON
public import TokenFactorySimulator

/// A simulator started by the test process, so tests can run the real `tfscript` binary
/// against it (`--base-url`, token in the environment) and then read its request log.
public struct SimulatedAPI: Sendable {
    public let simulator: TokenFactorySimulator

    public static func start(
        fleet: [JSONValue] = Fleet.demo, speed: Double = .infinity, pageSize: Int = 50
    ) async throws -> SimulatedAPI {
        let configuration = TokenFactorySimulator.Configuration(fleet: fleet, speed: speed, pageSize: pageSize)
        return SimulatedAPI(simulator: try await TokenFactorySimulator.start(configuration: configuration))
    }

    public var baseURL: String { simulator.baseURL }
    public var token: String { simulator.token }

    /// The environment a user would have: PATH, a UTF-8 locale and the token, nothing else.
    public var environment: [String: String] {
        TFScriptProcess.baseEnvironment.merging(["LANG": "C.UTF-8", "TOKEN_FACTORY_API_KEY": token]) { _, new in new }
    }

    /// Runs `tfscript run --base-url URL FLAGS script` with `source` as the script.
    public func run(_ source: String, flags: [String] = [], arguments: [String] = [], command: String = "run") async throws -> TFScriptProcess.Result {
        let script = try TFScriptProcess.writeTemporaryFile(named: "script.lua", contents: source)
        return try await tfscript([command, "--base-url", baseURL] + flags + [script.path] + arguments)
    }

    /// Runs any tfscript command line against this simulator's environment (with `extra`
    /// variables set, or removed when their value is nil).
    public func tfscript(_ arguments: [String], stdin: String? = nil, extra: [String: String?] = [:]) async throws -> TFScriptProcess.Result {
        var environment = environment
        for (name, value) in extra { environment[name] = value }
        return try await TFScriptProcess.run(arguments, stdin: stdin, environment: environment)
    }

    /// Requests that would change something (POST, PATCH, DELETE) seen by the server.
    public func mutatingRequests() async -> [String] { await simulator.mutatingRequests() }

    public func requestCount() async -> Int { await simulator.requestLog().count }

    public func stop() async { await simulator.shutdown() }
}
