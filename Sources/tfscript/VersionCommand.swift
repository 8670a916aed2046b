import ArgumentParser
import TFScriptJSON

/// `tfscript version [-o json]`, also reached as `tfscript --version [-o json]`: what was built
/// from which commit, and how Lua and the Swift runtime are linked (``VersionReport``).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the version, commit, build date, Lua version and linkage (-o json for tools).")

    /// How the report prints.
    enum Format: String, CaseIterable, ExpressibleByArgument, Sendable {
        case text, json
    }

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("text or json.", valueName: "format"))
    var format: Format = .text

    func run() throws {
        let report = VersionReport.current()
        switch format {
        case .text: print(report.text, terminator: "")
        case .json: print(report.json.serialized(pretty: true))
        }
    }

    /// `--version` before any command (`tfscript --version -o json`, `tfscript -o json --version`)
    /// as the arguments of `version`; nil when the command line is not asking for it.
    static func arguments(replacing arguments: [String]) -> [String]? {
        guard let index = arguments.firstIndex(of: "--version") else { return nil }
        let commands = TFScriptCommand.configuration.subcommands.map { $0._commandName }
        guard !arguments[..<index].contains(where: { commands.contains($0) }) else { return nil }
        var rest = arguments
        rest.remove(at: index)
        return ["version"] + rest
    }
}
