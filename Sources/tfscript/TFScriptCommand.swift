import ArgumentParser
import Foundation
import TFScript

@main
struct TFScriptCommand: AsyncParsableCommand {
    /// The release version, shown by `--version` and to scripts as `tf.version`.
    static let version = ScriptEngine.version

    static let configuration = CommandConfiguration(
        commandName: "tfscript",
        abstract: "Automate Nebius Token Factory dedicated endpoints with sandboxed Lua 5.4 scripts.",
        discussion: """
            Try it without an account (a simulated control plane runs in-process):
              tfscript endpoints list --simulator
              tfscript run --simulator --dry-run examples/nightly-scale-down.lua

            Everyday work without Lua (by id or name; --dry-run shows the plan first):
              tfscript endpoints scale test-qwen-ci --min 0 --dry-run
              tfscript endpoints patch web --set scaling.max_replicas=4 --set enabled=false

            One-liners, with results for other tools (-o json|jsonl|table|wide prints what the code returns):
              tfscript run --simulator -o json -e 'return tf.endpoints.list()' | jq '.[].name'

            Against the real API (token from TOKEN_FACTORY_API_KEY, API_TOKEN, NEBIUS_API_KEY or --token-file):
              tfscript run --dry-run --plan-out plan.json nightly.lua   # review the plan
              tfscript show plan.json                                   # review it again
              tfscript apply plan.json                                  # then apply it

            Profiles: --profile NAME (or TFSCRIPT_PROFILE) picks [profile.NAME] from \
            $XDG_CONFIG_HOME/tfscript/config.toml; `tfscript config show` prints the settings in effect.

            Exit codes: 0 ok · 1 script error · 2 usage error · 3 limit exceeded · \
            4 API/transport failure · 5 changes planned (--dry-run --detailed-exitcode) · \
            6 another run holds the --lock · 7 a guardrail (--max-changes, --protect) refused a change.
            Shell completion: tfscript --generate-completion-script bash|zsh|fish. Manual: tfscript help --man.
            Docs: README.md and docs/ (cli.md, lua-api.md, sandbox.md, dry-run.md, scheduling.md, cassettes.md, simulator.md).
            """,
        subcommands: [RunCommand.self, EndpointsCommand.self, TemplatesCommand.self, TestCommand.self, ReplCommand.self, ApplyCommand.self, ShowCommand.self, SimulatorCommand.self, ConfigCommand.self, VersionCommand.self, ManualCommand.self]
    )

    /// `--version` is tfscript's own, not ArgumentParser's: it reports more than a string, and
    /// in JSON for tools (``VersionReport``). `tfscript --version [-o json]` is handed to the
    /// `version` command before parsing (``parseRunningArgumentsApart(_:)``): a root `-o` would
    /// take every subcommand's `-o` (`show -o json`). Declared here for the help.
    @Flag(name: .customLong("version"), help: "Show the version, the commit and date it was built from, the Lua it links and whether Lua and the Swift runtime are linked statically (-o json for tools; also: tfscript version).")
    var showVersion = false

    func run() async throws {
        throw CleanExit.helpRequest(self)
    }

    /// Usage errors exit with 2 (DESIGN.md §4) instead of ArgumentParser's EX_USAGE (64).
    static func main() async {
        // A file-size limit (ulimit -f) makes a write fail with EFBIG, which is reported,
        // instead of killing the process with SIGXFSZ halfway through a journal or a plan.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseRunningArgumentsApart()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let message = usageErrorMessage(for: error) {
                if wantsJSONLog(CommandLine.arguments) {
                    // Parsing failed, so --log-format was not parsed either: read it by hand,
                    // so a scheduled job's usage error is a JSON line like everything else.
                    Diagnostics.configure(format: .json)
                    Diagnostics.write(message, event: "usage.error", fields: ["exit_code": 2])
                } else {
                    StandardError.write(message + "\n")
                }
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The message of an error that makes a usage error (exit 2, DESIGN.md §4): ArgumentParser's
    /// validation failures and ``MisplacedFlags``; nil for any other error. One function, so the
    /// in-process tests see exactly what `main` prints.
    static func usageErrorMessage(for error: any Error) -> String? {
        if let misplaced = error as? MisplacedFlags { return misplaced.description }
        return exitCode(for: error) == .validationFailure ? fullMessage(for: error) : nil
    }

    /// Parses the command line; for `run`, only what comes up to the script goes through
    /// ArgumentParser, and the script's arguments are handed over as they are
    /// (``ScriptArgumentSplit``: ArgumentParser is quadratic in them).
    static func parseRunningArgumentsApart(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) throws -> any ParsableCommand {
        if let version = VersionCommand.arguments(replacing: arguments) { return try parseAsRoot(version) }
        if let manual = ManualCommand.arguments(replacing: arguments) { return try parseAsRoot(manual) }
        guard let split = ScriptArgumentSplit.split(arguments) else { return try parseAsRoot(arguments) }
        if let refusal = MisplacedFlags.refusal(for: split) { throw refusal }
        let command = try parseAsRoot(split.head)
        guard var run = command as? RunCommand else { return command }
        run.arguments += split.tail
        return run
    }

    /// ArgumentParser alone on the whole command line: what the split must agree with (tests).
    static func parseWhole(_ arguments: [String]) throws -> any ParsableCommand { try parseAsRoot(arguments) }

    /// Whether the command line asks for `--log-format json` (before any script path).
    static func wantsJSONLog(_ arguments: [String]) -> Bool {
        for (index, argument) in arguments.enumerated() {
            if argument == "--log-format=json" { return true }
            if argument == "--log-format", index + 1 < arguments.count, arguments[index + 1] == "json" { return true }
            if argument.hasSuffix(".lua") { return false }
        }
        return false
    }
}
