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

    @Argument(help: "The plan file written by --plan-out.")
    var planFile: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "text (the default: as the dry run printed it) or json.")
    var format: Format = .text

    func run() throws {
        let plan: Plan
        do {
            plan = try PlanFile.read(planFile)
        } catch let failure as CommandFailure {
            Diagnostics.failure(failure)
            throw ExitCode(failure.exitCode)
        }
        let text = switch format {
        case .text: (isatty(1) == 1 ? "\u{1B}[0m" : "") + PlanRenderer.forStandardError.render(plan)
        case .json: plan.json.serialized(pretty: true) + "\n"
        }
        StandardOutput.write(text)
        StandardOutput.flush()
        if let problem = StandardOutput.failure {
            Diagnostics.failure(CommandFailure(exitCode: 1, message: "cannot write to stdout: \(problem)"))
            throw ExitCode(1)
        }
    }
}
