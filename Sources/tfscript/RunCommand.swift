import ArgumentParser
import Foundation
import TFScript

/// `tfscript run SCRIPT.lua|-|-e CHUNK [ARGS...]`: runs a Lua script in a fresh sandbox.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script in the sandbox.",
        discussion: """
            The script runs in a fresh Lua 5.4 sandbox. It has base functions (without dofile \
            and loadfile; load accepts text chunks only), string, table, math, utf8, coroutine \
            and os.time/clock/date/difftime/getenv. There is no io, debug or package: use print \
            (stdout) for output. require loads Lua source only, from the script's folder and \
            --lib-path folders. os.getenv returns only variables named with --env. __gc \
            metamethods and collectgarbage options other than count/step/collect are refused. \
            Limits (--memory-limit, --timeout, Ctrl-C) cannot be caught: once one trips, no \
            more script code runs and the run ends with exit code 3 (docs/sandbox.md).

            The script is a file, - (read from stdin) or -e 'LUA CODE'; the last two are \
            called stdin and (command line) in messages, and their require looks in the \
            current directory (then --lib-path). arg[0] is the script path (or that name) \
            and arg[1..] its arguments (also the main chunk's ...); --var key=value pairs \
            are in tf.vars. The tf module (docs/lua-api.md) calls \
            the control plane: --simulator runs against an in-process simulated one; otherwise \
            the token comes from --token-file, TOKEN_FACTORY_API_KEY, API_TOKEN, \
            NEBIUS_API_KEY or the --profile's token_file (scripts never see it; `tfscript \
            config show` says which is used).

            OUTPUT: print writes to stdout; tf.show(rows [, columns]) prints records as an \
            aligned table. -o json prints what the main chunk returns as one JSON document \
            (one value as itself, several as an array, none as null) after the script's own output, \
            indented on a terminal, one line when piped or with --compact; -o jsonl one compact \
            value per line (each element of a returned array); -o table a returned array of \
            records as a table (--columns name,region,MAX:scaling.max_replicas chooses and orders \
            the columns, HEADING:path renames one); -o wide the table without cutting cells; \
            -o none (the default) prints nothing more. A result that cannot be shown so fails the run (exit 1); \
            one larger than what is left of --max-output, or not printed by the --timeout, \
            is not printed at all (exit 3).

            DRY RUN: --dry-run sends reads but records create/patch/delete, prints the plan on \
            stderr, and --plan-out saves it for `tfscript apply` (docs/dry-run.md). A live run \
            reports each change on stderr as the server accepts it (~ patched "web" (ep-1): \
            scaling.min_replicas 1 → 0, the value before as this run last read it) and ends \
            with Applied: 0 created, 3 changed, 0 deleted; -q silences both.

            GUARDRAILS: --max-changes N and --protect GLOB (also protect = [...] in the \
            profile) refuse a change before it is sent, in dry runs too (exit 7).

            LIMITS: --memory-limit (default 256M) and --timeout (default none). Exceeding \
            either ends the run with exit code 3 and one line naming the limit. pcall cannot \
            catch a limit. print and tf.log output are capped by --max-output (default 16M).

            NETWORK: each attempt of an API call (connect, send, and the whole response body) \
            must finish within --request-timeout (default 60s); slow attempts are retried within \
            the call's retry budget (docs/client.md).

            JOURNAL: --journal FILE writes one fsync'd line before each change is sent and one \
            with its outcome (ok, failed or unknown), so a crash never hides a change \
            (docs/journal.md).

            EXIT CODES: 0 ok · 1 script error (uncaught error, printed as script.lua:LINE: \
            message plus a traceback) · 2 usage error (bad flags, a tfscript option after the \
            script, missing script, no API token) · 3 limit exceeded · 4 API or transport failure the script did not handle · \
            5 changes planned (with --dry-run --detailed-exitcode) · 6 another run holds the --lock · \
            7 a guardrail (--max-changes, --protect) refused a change.

            SCHEDULING: --lock FILE keeps two runs from overlapping (the second exits 6 at once, \
            or waits up to --lock-wait). --log-format json makes every stderr line a JSON object, \
            ending with a run.end record (run_id, script, exit_code, duration_ms, changes_sent \
            and how they ended: changes_ok, changes_failed, changes_unknown; endpoints_changed, \
            changes_planned, retries; also printed as text with -v); --report-url POSTs that \
            record to a monitor (--report-skip-locked: not for a run refused by the lock). Retries are logged as warnings. tfscript's options go before the \
            script: one after the script (or after -e CHUNK) is refused with exit 2, unless a -- \
            separates the script's arguments (tfscript run nightly.lua -- --dry-run passes \
            --dry-run to the script). See docs/scheduling.md.

            EXAMPLES:
              tfscript run --simulator --dry-run examples/nightly-scale-down.lua
              tfscript run -o json -e 'return tf.endpoints.list()' | jq '.[].name'
              tfscript run -o table --columns name,state -e 'return tf.endpoints.list()'
              echo 'tf.show(tf.templates.list{region = "eu-west1"})' | tfscript run -
              tfscript run --dry-run --plan-out tonight.json nightly.lua 'test-*'
              tfscript run --timeout 5m --journal changes.jsonl nightly.lua
              tfscript run --lock /tmp/nightly.lock --log-format json nightly.lua
            """
    )

    @OptionGroup(title: "Control plane")
    var connection: ConnectionOptions

    @OptionGroup(title: "Dry run")
    var dryRun: DryRunOptions

    @OptionGroup(title: "Guardrails")
    var guardrails: GuardrailOptions

    @Option(help: ArgumentHelp(
        "Append one JSON line per mutation sent (time, operation, id, body, result) to this file.", valueName: "path"), completion: .file(extensions: ["jsonl"]))
    var journal: String?

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    @OptionGroup(title: "Sandbox and limits")
    var sandbox: SandboxOptions

    @OptionGroup(title: "Result")
    var result: ResultOptions

    @OptionGroup(title: "Scheduling")
    var scheduling: SchedulingOptions

    @Option(name: .customShort("e"), help: ArgumentHelp(
        "Run this Lua code instead of a script file (messages call it '(command line)'); arguments after it reach it as arg[1..].",
        valueName: "chunk"))
    var chunk: String?

    @Argument(help: ArgumentHelp("The Lua script to run; - reads it from stdin (messages call it 'stdin').", valueName: "script"),
              completion: .file(extensions: ["lua"]))
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (arg[1], arg[2], ...).")
    var arguments: [String] = []

    func validate() throws {
        if result.columns != nil, result.format == nil {
            throw ValidationError("--columns chooses the columns of a table; add -o table or -o wide")
        }
        if journal != nil, dryRun.enabled {
            throw ValidationError("--journal records the changes a run sends; a dry run sends none (use --plan-out)")
        }
    }

    func run() async throws {
        let name = chunk != nil ? ScriptInput.commandLineName : script == "-" ? ScriptInput.standardInputName : script ?? ""
        let code = await execute(command: "run", name: name) {
            try ScriptInput.resolve(script: script, chunk: chunk, arguments: arguments)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Runs a script with these options, scheduled (lock, summary, report) like every `run`:
    /// the one path `run` and the built-in commands (`endpoints …`, `templates list`) share.
    /// - Parameters:
    ///   - command: the command as the run summary names it (`run`, `endpoints patch`).
    ///   - builtIn: set for a built-in command: its failures read `tfscript: endpoints patch:
    ///     MESSAGE`, without the Lua position and traceback of a script of the user's.
    ///   - input: the script, read once the run has started (a lock held, if any).
    func execute(
        command: String, name: String, builtIn: String? = nil, vars: [String: String] = [:], results: ResultPrinter? = nil,
        _ input: () throws -> ScriptInput
    ) async -> Int32 {
        let scheduled = ScheduledRun(command: command, script: name, scheduling: scheduling, verbose: logging.verbose)
        let logger = logging.bootstrap(runID: scheduled.runID)
        return await scheduled.run(logger: logger) { summary in
            let input = try input()
            var options = sandbox.scriptOptions(arguments: input.arguments)
            options.argumentBytes = ScriptArgumentSplit.rawBytes(of: input.arguments)
            options.vars.merge(vars) { _, builtIn in builtIn }
            options.dryRun = dryRun.enabled
            options.guardrails = try guardrails.guardrails(connection: connection)
            options.waitProgress = WaitProgressDisplay(logging: logging, logger: logger).sink
            // Quiet, nobody reads the reports: the run then keeps no sightings either.
            let changes = dryRun.enabled || logging.quiet ? nil : ChangeReportDisplay(logging: logging)
            options.changes = changes?.sink
            if input.requiresFromCurrentDirectory {
                options.libraryPaths.insert(FileManager.default.currentDirectoryPath, at: 0)
            }
            if let folder = input.scriptFolder { options.libraryPaths.insert(folder, at: 0) }
            var execution = ScriptExecution(
                script: input.source, options: options,
                connection: connection, dryRun: dryRun, journalPath: journal, logger: logger, runID: scheduled.runID)
            execution.results = results ?? ResultPrinter(options: result)
            execution.changes = changes
            execution.builtIn = builtIn
            return try await execution.run(summary: &summary)
        }
    }
}
