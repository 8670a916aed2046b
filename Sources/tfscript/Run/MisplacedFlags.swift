/// Arguments after the script are the script's (`arg[1..]`), as with `lua script.lua ARGS`,
/// so `tfscript run nightly.lua --dry-run` once ran live, handing `--dry-run` to the script
/// with only a warning. A misplaced option must never change what happens, so `run` refuses
/// (exit 2, nothing sent) any of its own options after the script or after `-e CHUNK`, and
/// says where it goes. Arguments after a `--` are the script's, untouched; dashes tfscript
/// does not define (`-x`, `--name`) are the script's too (``ScriptArgumentSplit/isOption(_:)``).
struct MisplacedFlags: Error, CustomStringConvertible {
    /// The misplaced options as given, each with its separate value (`--var wait=yes`).
    var options: [String]
    /// The script as the command line named it (a path, `-`, or `-e CHUNK`).
    var script: String

    var description: String {
        // A few are enough to show the order; a long tail of them would flood stderr.
        let shown = 3
        let list = options.prefix(shown).joined(separator: " ") + (options.count > shown ? " ..." : "")
        let live = options.contains { $0 == "--dry-run" || $0.hasPrefix("--dry-run=") } ? ", and the run would be live" : ""
        return "tfscript: \(list) after the script would be passed to the script, not read by tfscript\(live); "
            + "put tfscript's options before the script: tfscript run \(list) \(script) ...; "
            + "or separate the script's own arguments with --: tfscript run \(script) -- \(list)"
    }

    /// The refusal for `split`, or nil when nothing is misplaced.
    static func refusal(for split: ScriptArgumentSplit.Split) -> MisplacedFlags? {
        guard !split.misplaced.isEmpty else { return nil }
        let head = split.head
        let script: String
        let isChunk = { (argument: String) in
            argument.hasPrefix("-") && !argument.hasPrefix("--")
                && ScriptArgumentSplit.shortValueOption(argument).map { $0.name == ScriptArgumentSplit.chunkOption && !$0.attached } == true
        }
        if head.contains(where: isChunk) {
            script = "-e CHUNK"
        } else {
            script = head.count > 1 ? head[head.count - 1] : "SCRIPT.lua"
        }
        return MisplacedFlags(options: split.misplaced, script: script)
    }
}
