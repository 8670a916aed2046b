import ArgumentParser

/// `--dry-run`, `--plan-out`, `--detailed-exitcode`: record changes instead of sending them.
struct DryRunOptions: ParsableArguments {
    @Flag(name: .customLong("dry-run"), help: ArgumentHelp(
        "Send reads, but record create/patch/delete instead of sending them; print the plan on stderr.",
        discussion: "Later reads in the same run see the recorded changes. See docs/dry-run.md."))
    var enabled = false

    @Option(name: .customLong("plan-out"), help: ArgumentHelp(
        "With --dry-run: write the plan as JSON to this file, for review and `tfscript apply`.", valueName: "path"), completion: .file(extensions: ["json"]))
    var planOut: String?

    @Flag(name: .customLong("detailed-exitcode"), help: ArgumentHelp(
        "With --dry-run: exit 0 when no change was planned and 5 when changes were planned."))
    var detailedExitCode = false

    func validate() throws {
        if planOut != nil, !enabled { throw ValidationError("--plan-out needs --dry-run (a real run sends its changes; there is nothing to save)") }
        if detailedExitCode, !enabled { throw ValidationError("--detailed-exitcode needs --dry-run") }
    }
}
