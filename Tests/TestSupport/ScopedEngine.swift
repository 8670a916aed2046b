import Logging
public import TFScript
import TFScriptSimulation
public import TokenFactorySimulator

/// Runs `body` with an engine over a fresh in-process simulator (instant transitions, demo
/// fleet), and shuts it down afterwards whatever happens: a scoped engine, as hummingbird's
/// `Application.test` scopes a server.
public func withSimulatedEngine<T>(
    _ configuration: TokenFactorySimulator.Configuration = TokenFactorySimulator.Configuration(speed: .infinity),
    _ body: (ScriptEngine) async throws -> T
) async throws -> T {
    let engine = try await ScriptEngine(controlPlane: .simulator(configuration))
    do {
        let result = try await body(engine)
        try await engine.shutdown()
        return result
    } catch {
        try? await engine.shutdown()
        throw error
    }
}

extension ScriptEngine {
    /// Runs Lua text named `test.lua` with `options` (dry-run off unless set).
    public func run(lua source: String, _ configure: (inout ScriptOptions) -> Void = { _ in }) async -> ScriptResult {
        var options = ScriptOptions()
        configure(&options)
        return await run(.text(source, name: "test.lua"), options: options)
    }
}
