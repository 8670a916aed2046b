import ArgumentParser
import Logging

/// `--log-format`, `--quiet`, `--verbose`: where `tf.log` and tfscript's own messages go.
struct LoggingOptions: ParsableArguments {
    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "Write stderr as 'text' or 'json': with json every line is one JSON object (log records, errors, the plan, the run summary).",
            discussion: "For cron, systemd and log shippers: each record has time, level, event and message (docs/scheduling.md).",
            valueName: "format"))
    var format: StderrLogHandler.Format = .text

    @Flag(name: [.customShort("q"), .long], help: "Show only warnings and errors.")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Show debug records too, including each HTTP request.")
    var verbose = false

    func validate() throws {
        if quiet, verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    var level: Logger.Level {
        if quiet { return .warning }
        if verbose { return .debug }
        return .info
    }

    /// Sets up swift-log for the process (only the CLI does this) and returns the script's logger.
    /// `runID` (a run's id) is added to every JSON record, so one run's lines can be picked out.
    func bootstrap(runID: String? = nil) -> Logger {
        let format = format, level = level
        Diagnostics.configure(format: format, runID: runID)
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, format: format, level: level) }
        return Logger(label: "tfscript")
    }
}

extension StderrLogHandler.Format: ExpressibleByArgument {}
