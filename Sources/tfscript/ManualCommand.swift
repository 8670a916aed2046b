import ArgumentParser
import Foundation

/// `tfscript help --man` (also `tfscript manual`): the manual page, printed by the binary from
/// the same help text as `--help`, so it needs no second build (swift-argument-parser's
/// generate-manual plugin builds the whole package again) and never disagrees with the binary.
///
/// Hand-written roff, because ArgumentParser offers the page only through that plugin; this is
/// the help text of every command, each in a section of its own, in the `man` macros every
/// `man` renders. Install it with `tfscript help --man > ~/.local/share/man/man1/tfscript.1`.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the manual page (roff): tfscript help --man | man -l -",
        shouldDisplay: false)

    @Option(help: ArgumentHelp("The date on the page (YYYY-MM-DD); default: the build's.", valueName: "date"))
    var date: String?

    func run() throws {
        print(Self.page(date: date ?? VersionReport.current().stamp.map { String($0.date.prefix(10)) } ?? ""), terminator: "")
    }

    /// `help --man` as `manual` (ArgumentParser's own `help` takes no options).
    static func arguments(replacing arguments: [String]) -> [String]? {
        guard arguments.first == "help", arguments.contains("--man") else { return nil }
        return ["manual"] + arguments.dropFirst().filter { $0 != "--man" }
    }

    /// The whole page: NAME, SYNOPSIS, DESCRIPTION (the root help), then one section per
    /// command with its help, and the exit codes.
    static func page(date: String) -> String {
        var roff = ".TH TFSCRIPT 1 \"\(escaped(date))\" \"tfscript \(TFScriptCommand.version)\" \"User Commands\"\n"
        roff += ".SH NAME\ntfscript \\- \(escaped(TFScriptCommand.configuration.abstract))\n"
        roff += ".SH SYNOPSIS\n.B tfscript\n.I command\n[\n.I options\n]\n"
        roff += ".SH DESCRIPTION\n" + preformatted(TFScriptCommand.helpMessage(columns: 72))
        roff += ".SH COMMANDS\n"
        for (path, command) in commands(TFScriptCommand.self, path: ["tfscript"]).dropFirst() {
            roff += ".SS \(escaped(path.joined(separator: " ")))\n"
            roff += preformatted(TFScriptCommand.helpMessage(for: command, columns: 72))
        }
        roff += ".SH SEE ALSO\nREADME.md and docs/ in the source: lua-api.md, cli.md, sandbox.md, dry-run.md, scheduling.md, simulator.md.\n"
        return roff
    }

    /// Every visible command under `root`, depth first, with its path of names.
    static func commands(_ root: any ParsableCommand.Type, path: [String]) -> [([String], any ParsableCommand.Type)] {
        var found: [([String], any ParsableCommand.Type)] = [(path, root)]
        for child in root.configuration.subcommands where child.configuration.shouldDisplay {
            found += commands(child, path: path + [child._commandName])
        }
        return found
    }

    /// Text shown as it is (`.nf`), each line escaped so none is read as a request.
    static func preformatted(_ text: String) -> String {
        ".nf\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(separator: "\n") + "\n.fi\n"
    }

    /// roff-safe: backslashes doubled, and a line starting with `.` or `'` kept from being a request.
    static func escaped(_ line: String) -> String {
        let text = line.replacingOccurrences(of: "\\", with: "\\e")
        return text.hasPrefix(".") || text.hasPrefix("'") ? "\\&" + text : text
    }
}
