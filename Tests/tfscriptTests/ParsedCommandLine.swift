import ArgumentParser
@testable import tfscript

/// What `tfscript ARGS` prints and exits with when it ends while parsing (help, completion
/// scripts, usage errors, misplaced flags), decided in-process exactly as `TFScriptCommand.main`
/// decides it: these are pure functions of the command line, so no binary is spawned for them.
struct ParsedCommandLine {
    /// The exit status `main` would give.
    var status: Int32
    /// What `main` would print: the help or completion script on stdout, a usage error on stderr
    /// (without the trailing newline `main` adds).
    var message: String

    /// Parses `arguments`; nil when they parse into a command to run (its outcome is the run's).
    static func earlyExit(_ arguments: [String]) -> ParsedCommandLine? {
        do {
            var command = try TFScriptCommand.parseRunningArgumentsApart(arguments)
            // `--help` parses into ArgumentParser's own help command, which prints by throwing
            // its text from `run()`; tfscript's commands (ShowCommand aside, never run here) are async.
            guard String(describing: type(of: command)) == "HelpCommand" else { return nil }
            try command.run()
            return nil
        } catch {
            if let usage = TFScriptCommand.usageErrorMessage(for: error) { return ParsedCommandLine(status: 2, message: usage) }
            return ParsedCommandLine(status: TFScriptCommand.exitCode(for: error).rawValue, message: TFScriptCommand.fullMessage(for: error))
        }
    }
}
