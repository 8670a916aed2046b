/// How a ``LuaState`` is built: limits, output cap and the sandbox (DESIGN.md §4).
///
/// Every field has the default `tfscript run` uses; the runner fills it from the command line.
public struct LuaStateConfiguration: Sendable {
    /// Bytes the Lua heap may use; nil for no limit. Default 256 MiB.
    public var memoryLimit: Int?
    /// Wall-clock budget from ``LuaState/startClock()``; nil for none.
    public var timeout: Duration?
    /// Bytes `print` may write per run (then output is truncated: see
    /// ``LuaState/outputWasTruncated``).
    public var maxOutputBytes: Int?
    /// Where `print` writes; nil discards it (LuaHost never writes to the process's stdout).
    public var output: LuaOutputSink?
    /// The sandboxed standard library; nil opens no library at all (bare state for tests).
    public var sandbox: Sandbox?
    /// Deepest table nesting copied across the boundary (both ways).
    public var maxValueDepth: Int

    /// What the sandboxed standard library may reach.
    public struct Sandbox: Sendable {
        /// Folders `require` loads Lua source from, in order (the script's folder first).
        public var requirePaths: [String]
        /// The variables `os.getenv` returns, with their values; any other name reads as nil.
        /// The host gives them (the CLI's `--env NAME`): the library never reads the process's
        /// environment.
        public var environment: [String: String]
        /// `math.randomseed` value; nil seeds randomly (Lua's default).
        public var randomSeed: Int64?

        public init(requirePaths: [String] = [], environment: [String: String] = [:], randomSeed: Int64? = nil) {
            self.requirePaths = requirePaths
            self.environment = environment
            self.randomSeed = randomSeed
        }
    }

    public init(
        memoryLimit: Int? = 256 << 20,
        timeout: Duration? = nil,
        maxOutputBytes: Int? = 16 << 20,
        sandbox: Sandbox? = Sandbox(),
        maxValueDepth: Int = 1000,
        output: LuaOutputSink? = nil
    ) {
        self.output = output
        self.memoryLimit = memoryLimit
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
        self.sandbox = sandbox
        self.maxValueDepth = maxValueDepth
    }

    /// The one-line message for a limit, e.g. `memory limit of 64 MiB exceeded`.
    public func message(for limit: LuaLimit) -> String {
        switch limit {
        case .memory: "memory limit of \(LimitSyntax.formatBytes(memoryLimit ?? 0)) exceeded"
        case .timeout: "timeout of \(LimitSyntax.formatDuration(timeout ?? .zero)) exceeded"
        case .interrupt: "interrupted"
        }
    }
}
