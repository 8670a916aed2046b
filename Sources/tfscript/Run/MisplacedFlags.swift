import Logging
import ArgumentParser
import TFScriptJSON

/// Arguments after the script are the script's (`arg[1..]`), as with `lua script.lua ARGS`,
/// so `tfscript run morning.lua --var wait=yes` silently passed `--var` to the script. This
/// warns when an argument after the script is one of `run`'s own flags (it is still passed on).
enum MisplacedFlags {
    /// `run`'s flag names (`--var`, `-v`), read from its help text: one source of truth, so a
    /// flag added later is recognised without touching this list.
    static let names: Set<String> = {
        let help = RunCommand.helpMessage(columns: 1000)
        var names = Set<String>()
        for word in help.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }) {
            var token = Substring(word)
            if let equals = token.firstIndex(of: "=") { token = token[..<equals] }
            let isLong = token.hasPrefix("--") && token.count > 2 && token.dropFirst(2).allSatisfy { $0.isLetter || $0 == "-" }
            let isShort = token.count == 2 && token.first == "-" && token.last!.isLetter
            if isLong || isShort { names.insert(String(token)) }
        }
        return names
    }()

    /// The arguments that look like tfscript flags.
    static func misplaced(in arguments: [String]) -> [String] {
        arguments.filter { argument in
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            return names.contains(name)
        }
    }

    /// Warns on stderr about each flag-like argument after the script.
    static func warn(about arguments: [String]) {
        let found = misplaced(in: arguments)
        guard !found.isEmpty else { return }
        let list = found.joined(separator: " ")
        Diagnostics.write(
            "tfscript: warning: \(list) after the script \(found.count == 1 ? "is" : "are") passed to the script (arg), "
                + "not read by tfscript: tfscript's flags go before the script (tfscript run \(found[0]) ... SCRIPT.lua)\n",
            event: "warning", level: .warning, fields: ["arguments": .array(found.map(JSONValue.string))])
    }
}
