import ArgumentParser
import Foundation
import TFScript

/// `tfscript show PLAN.json`: a saved plan as the dry run printed it, for the person who
/// reviews it before `apply` (no jq needed), or as its JSON document with `-o json`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a plan saved by --plan-out, as the dry run printed it.",
        discussion: """
            The plan is printed on stdout exactly as `run --dry-run` printed it on stderr: each \
            operation with its changes, and the summary line. -o json prints the plan file's \
            JSON document instead (normalized: the same document apply reads). Nothing is sent: \
            show reads only the file.

            EXAMPLE:
              tfscript run --dry-run --plan-out tonight.json nightly.lua
              tfscript show tonight.json          # review
              tfscript apply tonight.json         # then apply

            EXIT CODES: 0 printed · 2 the file cannot be read or is not a plan.
            """
    )

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, json
    }

    @Argument(help: "The plan file written by --plan-out.", completion: .file(extensions: ["json"]))
    var planFile: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "text (the default: as the dry run printed it) or json.")
    var format: Format = .text

    func run() throws {
        let text: String
        do {
            text = try output(environment: ProcessInfo.processInfo.environment, terminal: isatty(1) == 1)
        } catch let failure as CommandFailure {
            Diagnostics.failure(failure)
            throw ExitCode(failure.exitCode)
        }
        StandardOutput.write(text)
        StandardOutput.flush()
        if let problem = StandardOutput.failure {
            Diagnostics.failure(CommandFailure(exitCode: 1, message: "cannot write to stdout: \(problem)"))
            throw ExitCode(1)
        }
    }

    /// What show prints for the locale in `environment` (`->` unless it is UTF-8, as the dry
    /// run's plan on stderr), on a terminal or not; apart from ``run()`` so it is tested in-process.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) when the file cannot be read or is not a plan.
    func output(environment: [String: String], terminal: Bool) throws -> String {
        let plan = try PlanFile.read(planFile)
        switch format {
        // Reset text attributes first: a script's escape sequence in a name cannot hide the plan.
        case .text: return (terminal ? "\u{1B}[0m" : "") + PlanRenderer(ascii: !TerminalText.isUTF8(environment)).render(plan)
        case .json: return plan.json.serialized(pretty: true) + "\n"
        }
    }
}
