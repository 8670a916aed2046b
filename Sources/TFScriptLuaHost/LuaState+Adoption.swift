internal import TFScriptLuaShims

extension LuaState {
    /// Gives a state built ahead of its run (the sandbox and the host's modules, no script code
    /// yet: see `PreparedStates` in TFScriptRuntime) the run's limits, stop request, output
    /// and messages. False, changing nothing, when the state is not fit for the run: another
    /// sandbox (search folders, environment, seed), or more memory already in use than the
    /// run's limit; the run then builds its own state, as it would have without one ahead.
    ///
    /// Why: building a sandboxed state with the `tf` module is most of a small embedded run
    /// (issue 21); built ahead, on a Lua thread between runs, it is off the run's path. Each
    /// state is still used by one run only and closed after it.
    package func adopt(configuration: LuaStateConfiguration, interruptHandle: LuaInterruptHandle) -> Bool {
        guard let sandbox = configuration.sandbox, let own = self.configuration.sandbox,
              Self.sameSandbox(sandbox, own),
              tfs_adopt(L, max(0, configuration.memoryLimit ?? 0), interruptHandle.flag) != 0
        else { return false }
        self.configuration = configuration
        self.interruptHandle = interruptHandle
        self.outputBox = configuration.output.map(OutputSinkBox.init)
        applyRunSettings()
        return true
    }

    /// Whether two sandboxes open the same library: what `tfs_open_sandbox` bakes into a state.
    static func sameSandbox(_ a: LuaStateConfiguration.Sandbox, _ b: LuaStateConfiguration.Sandbox) -> Bool {
        a.requirePaths == b.requirePaths && a.environment == b.environment && a.randomSeed == b.randomSeed
    }

    /// Disconnects `print` from the run's sink: after a run has reported, nothing its state
    /// still does (closing it, later) may write to the output the caller now holds.
    package func detachOutput() {
        tfs_set_output_sink(L, nil, nil)
    }
}
