import ArgumentParser
import Foundation
import TFScriptLuaHost
import TFScript
import TokenFactory

/// A byte count as users write it: `64M`, `1G`, `512K` or plain bytes.
struct ByteSizeArgument: ExpressibleByArgument, Sendable {
    var bytes: Int
    init?(argument: String) {
        guard let bytes = LimitSyntax.parseBytes(argument) else { return nil }
        self.bytes = bytes
    }
    init(bytes: Int) { self.bytes = bytes }
    var defaultValueDescription: String { LimitSyntax.formatBytes(bytes) }
}

/// A duration as users write it: `500ms`, `30s`, `5m`, `1h`.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration
    init?(argument: String) {
        guard let duration = LimitSyntax.parseDuration(argument) else { return nil }
        self.duration = duration
    }
    init(duration: Duration) { self.duration = duration }
    var defaultValueDescription: String { "\(duration.components.seconds)s" }
}

/// The sandbox and limit flags shared by `run` and (later) `repl`, used through `@OptionGroup`.
struct SandboxOptions: ParsableArguments {
    @Option(name: .customLong("memory-limit"), help: ArgumentHelp(
        "Memory the script may use (e.g. 64M, 1G, or bytes; at least 1M).", valueName: "size"))
    var memoryLimit = ByteSizeArgument(bytes: 256 << 20)

    @Option(help: ArgumentHelp("Wall-clock limit (e.g. 500ms, 30s, 5m, 1h; at most 8760h). Default: none.", valueName: "duration"))
    var timeout: DurationArgument?

    @Option(name: .customLong("lib-path"), help: ArgumentHelp(
        "A folder `require` may load Lua modules from (repeatable; the script's folder is always searched first).",
        valueName: "folder"))
    var libraryPaths: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp(
        "An environment variable `os.getenv` may return (repeatable; all others read as nil).", valueName: "NAME"))
    var environmentNames: [String] = []

    @Option(help: ArgumentHelp("Seed for math.random, for reproducible runs.", valueName: "N"))
    var seed: Int64?

    @Option(name: .customLong("var"), help: ArgumentHelp(
        "A script variable, visible as tf.vars.key (repeatable).", valueName: "key=value"))
    var variableAssignments: [String] = []

    @Option(name: .customLong("max-output"), help: ArgumentHelp(
        "Bytes print may write before output is truncated.", valueName: "size"))
    var maxOutput = ByteSizeArgument(bytes: 16 << 20)

    /// `--var` pairs as a dictionary (validated: each has a non-empty key before `=`).
    var variables: [String: String] {
        var result: [String: String] = [:]
        for assignment in variableAssignments {
            if let equals = assignment.firstIndex(of: "=") {
                result[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
            }
        }
        return result
    }

    /// The smallest `--memory-limit`. The sandbox and the `tf` module take about 40 KiB before
    /// the script's first line; a limit below that failed as an "internal error" (the state
    /// could not even be built), and one barely above it leaves a script no room to work.
    static let minimumMemoryLimit = 1 << 20

    mutating func validate() throws {
        guard memoryLimit.bytes >= Self.minimumMemoryLimit else {
            throw ValidationError("--memory-limit must be at least \(LimitSyntax.formatBytes(Self.minimumMemoryLimit)) (below it a script has almost no room: the sandbox alone takes about 40 KiB), got \(LimitSyntax.formatBytes(memoryLimit.bytes))")
        }
        for assignment in variableAssignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--var expects key=value, got '\(assignment)'")
            }
        }
        for name in environmentNames where name.isEmpty || name.contains("=") {
            throw ValidationError("--env expects a variable name, got '\(name)'")
        }
        for name in environmentNames where Credentials.environmentVariables.contains(name) {
            throw ValidationError("--env \(name): the API token is never visible to scripts")
        }
    }

    /// The engine options these flags describe.
    func scriptOptions(arguments: [String]) -> ScriptOptions {
        var options = ScriptOptions()
        options.arguments = arguments
        options.vars = variables
        options.libraryPaths = libraryPaths
        // The CLI reads the process's environment, for the names the user allowed; a name
        // that is not set stays nil to the script.
        let processEnvironment = ProcessInfo.processInfo.environment
        options.environment = Dictionary(uniqueKeysWithValues: environmentNames.compactMap { name in
            processEnvironment[name].map { (name, $0) }
        })
        options.seed = seed
        options.memoryLimit = memoryLimit.bytes
        options.timeout = timeout?.duration
        options.maxOutput = maxOutput.bytes
        return options
    }
}
