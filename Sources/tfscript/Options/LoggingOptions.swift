import ArgumentParser
import Logging

/// `--log-format`, `--quiet`, `--verbose`: where `tf.log` and tfscript's own messages go.
struct LoggingOptions: ParsableArguments {
    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp("Log records on stderr as 'text' or 'json' (one object per line, for cron and journald).", valueName: "format"))
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
    func bootstrap() -> Logger {
        let format = format, level = level
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, format: format, level: level) }
        return Logger(label: "tfscript")
    }
}

extension StderrLogHandler.Format: ExpressibleByArgument {}
