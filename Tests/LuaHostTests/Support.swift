@testable import TFScriptLuaHost

/// A sandboxed state with small limits, so limit tests stay fast.
func makeState(
    memoryLimit: Int? = 32 << 20,
    timeout: Duration? = nil,
    sandbox: LuaStateConfiguration.Sandbox? = LuaStateConfiguration.Sandbox(randomSeed: 1)
) throws -> LuaState {
    let state = try LuaState(configuration: LuaStateConfiguration(
        memoryLimit: memoryLimit, timeout: timeout, maxOutputBytes: 1 << 20, sandbox: sandbox))
    state.startClock()
    return state
}

/// Runs `source` and returns its first result.
func eval(_ state: LuaState, _ source: String) throws -> LuaValue {
    try state.run(source, chunkName: "=test").first ?? .nil
}
