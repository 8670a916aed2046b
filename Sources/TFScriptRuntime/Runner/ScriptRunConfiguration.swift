public import TFScriptLuaHost

/// Everything one `tfscript run` needs, parsed and validated by the CLI.
///
/// Defaults match DESIGN.md §4; the REPL reuses the limit and sandbox fields.
public struct ScriptRunConfiguration: Sendable {
    /// The script path as the user typed it (tracebacks show it: `script.lua:LINE:`).
    public var scriptPath: String
    /// Script arguments: `arg[1...]` and the main chunk's `...`.
    public var arguments: [String]
    /// The arguments as bytes (non-UTF-8 arguments kept as given); when set, they replace
    /// ``arguments`` in `arg` and `...`.
    public var argumentBytes: [[UInt8]]?
    /// `--var key=value` pairs; the runner exposes them as the `tf.vars` table.
    public var variables: [String: String]
    /// `--lib-path` folders `require` searches after the script's own folder.
    public var libraryPaths: [String]
    /// `--env NAME`: the only variables `os.getenv` returns.
    public var environment: [String: String]
    /// `--seed N`: makes `math.random` reproducible; nil seeds randomly.
    public var randomSeed: Int64?
    /// `--memory-limit` in bytes; nil for none. Default 256 MiB.
    public var memoryLimit: Int?
    /// `--timeout`; nil for none.
    public var timeout: Duration?
    /// `--max-output` in bytes for `print`; nil for none. Default 16 MiB.
    public var maxOutputBytes: Int?
    /// Where `print` writes; nil discards it (the runner never writes to the process's stdout).
    public var output: LuaOutputSink?

    public init(
        scriptPath: String,
        arguments: [String] = [],
        argumentBytes: [[UInt8]]? = nil,
        variables: [String: String] = [:],
        libraryPaths: [String] = [],
        environment: [String: String] = [:],
        randomSeed: Int64? = nil,
        memoryLimit: Int? = 256 << 20,
        timeout: Duration? = nil,
        maxOutputBytes: Int? = 16 << 20,
        output: LuaOutputSink? = nil
    ) {
        self.scriptPath = scriptPath
        self.arguments = arguments
        self.argumentBytes = argumentBytes
        self.variables = variables
        self.libraryPaths = libraryPaths
        self.environment = environment
        self.randomSeed = randomSeed
        self.memoryLimit = memoryLimit
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
        self.output = output
    }

    /// The Lua state configuration for this run: the sandbox with `require` searching
    /// `requireFolders` (a file script's own folder), then ``libraryPaths``.
    public func stateConfiguration(requireFolders: [String]) -> LuaStateConfiguration {
        LuaStateConfiguration(
            memoryLimit: memoryLimit,
            timeout: timeout,
            maxOutputBytes: maxOutputBytes,
            sandbox: LuaStateConfiguration.Sandbox(
                requirePaths: requireFolders + libraryPaths,
                environment: environment,
                randomSeed: randomSeed),
            output: output)
    }
}

extension ScriptRunConfiguration {
    /// `arg[1...]` and `...` as Lua strings: ``argumentBytes`` when set, else ``arguments``.
    var argumentStrings: [LuaString] {
        argumentBytes.map { $0.map { LuaString(bytes: $0) } } ?? arguments.map { LuaString($0) }
    }
}
