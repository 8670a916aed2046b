import ArgumentParser
import TFScript
import TFScriptJSON

/// Runs one of ``BuiltInScripts`` as `tfscript run` runs a script (``RunCommand/execute``):
/// the same engine, options, dry run, plan, journal, guardrails, change report, summary and
/// exit codes. A built-in command only chooses the script, its inputs and how its result shows.
struct BuiltInRun {
    private var run: RunCommand

    /// The flags every built-in command has; the change flags (`--dry-run`, `--plan-out`,
    /// `--journal`, the guardrails) only those that change something.
    init(connection: ConnectionOptions, logging: LoggingOptions, result: ResultOptions, changes: ChangeOptions? = nil) {
        // `run`'s own defaults for everything a command does not set (limits, scheduling).
        run = (try? RunCommand.parse([])) ?? RunCommand()
        run.connection = connection
        run.logging = logging
        run.result = result
        if let changes {
            run.dryRun = changes.dryRun
            run.guardrails = changes.guardrails
            run.journal = changes.journal
        }
    }

    /// Runs `script` with `vars` in `tf.vars`; throws the exit code when it is not 0.
    func execute(
        _ command: String, script: String, vars: [String: String],
        format: ResultOptions.Format = .none, columns: [(heading: String, path: String)]? = nil
    ) async throws {
        var results = ResultPrinter(options: run.result)
        results.defaultFormat = format
        results.defaultColumns = columns
        let name = "(tfscript \(command))"
        let code = await run.execute(command: command, name: name, builtIn: command, vars: vars, results: results) {
            ScriptInput(source: .text(script, name: name), arguments: [], requiresFromCurrentDirectory: false)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// `value` as JSON text for `tf.vars` (the scripts decode it with `tf.json.decode`).
    static func json(_ value: JSONValue) -> String { value.serialized() }
}

/// `--dry-run`, `--plan-out`, `--detailed-exitcode`, `--journal` and the guardrails: what a
/// command that changes endpoints takes, as `run` does.
struct ChangeOptions: ParsableArguments {
    @OptionGroup(title: "Dry run")
    var dryRun: DryRunOptions

    @OptionGroup(title: "Guardrails")
    var guardrails: GuardrailOptions

    @Option(help: ArgumentHelp(
        "Append one JSON line per mutation sent (time, operation, id, body, result) to this file.", valueName: "path"),
            completion: .file(extensions: ["jsonl"]))
    var journal: String?

    func validate() throws {
        if journal != nil, dryRun.enabled {
            throw ValidationError("--journal records the changes a command sends; a dry run sends none (use --plan-out)")
        }
    }
}
