import ArgumentParser
import Foundation
import TFScriptJSON
import TFScriptRuntime

/// `tfscript apply PLAN.json`: execute a plan saved by `run --dry-run --plan-out`.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a plan saved by `tfscript run --dry-run --plan-out`.",
        discussion: """
            1. Re-reads every target and refuses the whole plan if any changed since planning \
            (a target is gone, one of its writable fields differs from the plan's snapshot, or a \
            planned create's name now exists). Status, replica counts and timestamps are ignored.
            2. Shows the plan and asks for confirmation ('yes'), unless --yes. Without a terminal \
            and without --yes it refuses.
            3. Applies the operations in order and stops at the first failure, then reports what \
            was and was not applied.

            RESUMING: with --journal FILE, operations that FILE shows applied by an earlier, \
            interrupted apply of the same plan are skipped; those whose outcome is unknown are \
            checked against the API; the rest are checked for staleness and applied. See docs/journal.md.

            EXIT CODES: 0 applied (or nothing to apply) · 1 refused (stale plan, not confirmed, \
            other base URL) · 2 usage error or unreadable plan · 3 interrupted (a signal) · \
            4 an operation failed · 6 another run holds the --lock · 7 the plan breaks a \
            guardrail (--max-changes, --protect): nothing was sent.

            SCHEDULING: --lock, --lock-wait and --report-url work as for run; --log-format json \
            makes every stderr line a JSON object and ends with a run.end summary record \
            (docs/scheduling.md).

            EXAMPLE:
              tfscript run --dry-run --plan-out tonight.json nightly.lua
              tfscript apply tonight.json
              tfscript apply --journal tonight.jsonl tonight.json   # again after a crash: finishes it
            """
    )

    @Argument(help: "The plan file written by --plan-out.", completion: .file(extensions: ["json"]))
    var planFile: String

    @Flag(name: [.customShort("y"), .long], help: "Apply without asking for confirmation (for automation).")
    var yes = false

    @Flag(name: .customLong("allow-other-base-url"), help: "Apply even though the plan was made against another control-plane URL.")
    var allowOtherBaseURL = false

    @Option(help: ArgumentHelp(
        "Write-ahead journal: one fsync'd JSON line before each mutation is sent, one with its outcome. "
            + "Operations it shows applied are skipped, so an interrupted apply can be finished.",
        valueName: "path"), completion: .file(extensions: ["jsonl"]))
    var journal: String?

    @OptionGroup(title: "Control plane")
    var connection: ConnectionOptions

    @OptionGroup(title: "Guardrails")
    var guardrails: GuardrailOptions

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    @OptionGroup(title: "Scheduling")
    var scheduling: SchedulingOptions

    func run() async throws {
        let scheduled = ScheduledRun(command: "apply", script: planFile, scheduling: scheduling, verbose: logging.verbose)
        let logger = logging.bootstrap(runID: scheduled.runID)
        let code = await scheduled.run(logger: logger) { summary in
            try await PlanApplication(command: self, logger: logger, runID: scheduled.runID).run(summary: &summary)
            return 0
        }
        if code != 0 { throw ExitCode(code) }
    }
}
