import Foundation

/// Splits `tfscript run …` at the script: tfscript's own options before it go to
/// ArgumentParser, everything after it is the script's `arg[1..]`, untouched.
///
/// ArgumentParser's `.captureForPassthrough` is quadratic in the number of arguments
/// (12,000 arguments took 5 s, 100,000 six minutes), and a scheduled job may well hand a script
/// a long list of endpoint names. Finding the script takes one pass over tfscript's options,
/// whose names and arity are `RunCommand`'s (``valueOptions`` and ``flagNames``; a test holds
/// them to `RunCommand`'s own definition, so a flag added later fails the tests until it is
/// listed here). What ArgumentParser is given ends with the script
/// (or, with `-e`, with the chunk's first argument), so it parses exactly what it parsed
/// before, and the result is the same except for its cost.
enum ScriptArgumentSplit {
    /// `run`'s option names that take a value (`--timeout`, `-e`, `-o`).
    ///
    /// Listed, not read from `RunCommand` at each run: ArgumentParser tells them only through
    /// `_dumpHelp()`, which encodes the whole help as JSON, ~3.5 ms of CPU of every `tfscript run` with
    /// an option (its first-time generic and protocol lookups). `ScriptArgumentSplitTests`
    /// compares both lists with that dump.
    static let valueOptions: Set<String> = [
        "--base-url", "--ca-file", "--columns", "--env", "--fleet", "--journal", "--lib-path", "--lock", "--lock-wait",
        "--log-format", "--max-changes", "--max-output", "--memory-limit", "--output", "--plan-out", "--profile",
        "--protect", "--record", "--replay", "--report-url", "--request-timeout", "--seed", "--timeout", "--token-file",
        "--var", "-e", "-o",
    ]

    /// `run`'s flags (no value), without ArgumentParser's `--help`/`-h` and `--version`.
    static let flagNames: Set<String> = [
        "--compact", "--detailed-exitcode", "--dry-run", "--quiet", "--report-skip-locked", "--simulator", "--verbose", "-q", "-v",
    ]

    /// `arguments` (the process's, without the executable) cut after the first positional
    /// argument of `run`: `head` for ArgumentParser, `tail` the script's arguments, and
    /// `misplaced` the options of tfscript's own found after the script (or after `-e CHUNK`)
    /// and not behind a `--`, which the caller refuses (``MisplacedFlags``). Nil when the
    /// command is not `run`.
    ///
    /// A `--` before the script makes everything after the script its arguments, untouched.
    /// After the script, the first `--` separates: it is dropped, and what follows reaches the
    /// script untouched (`tfscript run nightly.lua -- --dry-run` gives `arg[1] == "--dry-run"`).
    static func split(_ arguments: [String]) -> Split? {
        guard arguments.first == "run" else { return nil }
        var misplaced: [String] = []
        // Set once `-e CHUNK` is read: the chunk is the script, so options after it are misplaced.
        var afterChunk = false
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                // Everything after is positional: the first is the script (or the chunk's
                // first argument), the rest its arguments.
                let end = min(index + 2, arguments.count)
                return Split(head: Array(arguments[..<end]), tail: Array(arguments[end...]), misplaced: misplaced)
            }
            if argument.hasPrefix("-") && argument.count > 1 {
                let width = optionWidth(arguments, at: index)
                if afterChunk { misplaced.append(arguments[index..<min(index + width, arguments.count)].joined(separator: " ")) }
                if !argument.hasPrefix("--"), let value = shortValueOption(argument), value.name == chunkOption, !value.attached { afterChunk = true }
                index += width
            } else {
                let end = index + 1
                var tail = Array(arguments[end...])
                var position = 0
                while position < tail.count {
                    let argument = tail[position]
                    if argument == "--" {
                        tail.remove(at: position)
                        break
                    }
                    if isOption(argument) {
                        let width = optionWidth(tail, at: position)
                        misplaced.append(tail[position..<min(position + width, tail.count)].joined(separator: " "))
                        position += width
                    } else {
                        position += 1
                    }
                }
                return Split(head: Array(arguments[..<end]), tail: tail, misplaced: misplaced)
            }
        }
        return Split(head: arguments, tail: [], misplaced: misplaced)
    }

    /// The parts of `run`'s command line (``split(_:)``).
    struct Split: Equatable {
        var head: [String]
        var tail: [String]
        var misplaced: [String]
    }

    /// `-e`, whose value is the script (RunCommand's `chunk`).
    static let chunkOption = "-e"

    /// How many arguments the option at `index` takes up: 2 for one that takes a value given
    /// separately (`--timeout 5s`, `-e CHUNK`, `-vo json`), 1 otherwise.
    private static func optionWidth(_ arguments: [String], at index: Int) -> Int {
        let argument = arguments[index]
        if argument.hasPrefix("--") {
            return !argument.contains("=") && valueOptions.contains(argument) ? 2 : 1
        }
        // `-v`, `-e CHUNK`, or grouped short flags (`-vq`, `-vo json`, `-vojson`).
        guard let value = shortValueOption(argument) else { return 1 }
        return value.attached ? 1 : 2
    }

    /// The first short option in a group (`-vqo`) that takes a value, and whether its value is
    /// attached (`-ojson`, `-otable`: the rest of the group) rather than the next argument.
    static func shortValueOption(_ argument: String) -> (name: String, attached: Bool)? {
        let letters = argument.dropFirst()
        for index in letters.indices where valueOptions.contains("-" + String(letters[index])) {
            return ("-" + String(letters[index]), letters.index(after: index) != letters.endIndex)
        }
        return nil
    }

    /// Whether `argument` is one of `run`'s own options, in any form ArgumentParser reads:
    /// `--flag`, `--option=value`, `-v`, a group of its short options (`-vq`, `-vo`; only the
    /// last may take a value, as ArgumentParser reads them). `--help` and `--version` are not:
    /// they do not change what a run does. Dashes tfscript does not define (`-x`, `--name`,
    /// `-5`, `-`, `-ojson`: ArgumentParser takes no attached short value) are the script's.
    static func isOption(_ argument: String) -> Bool {
        if argument.hasPrefix("--") {
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            return optionNames.contains(name)
        }
        guard argument.hasPrefix("-"), argument.count > 1 else { return false }
        let letters = argument.dropFirst()
        for index in letters.indices {
            let name = "-" + String(letters[index])
            guard optionNames.contains(name) else { return false }
            if valueOptions.contains(name) { return letters.index(after: index) == letters.endIndex }
        }
        return true
    }

    /// Every option and flag name `run` defines (`--dry-run`, `--timeout`, `-v`, `-e`), without
    /// ArgumentParser's `--help`/`-h` and `--version`.
    static let optionNames: Set<String> = valueOptions.union(flagNames)
}

extension ScriptArgumentSplit {
    /// The script's arguments as the bytes the process was given: `arguments` are the last
    /// entries of `argv` (everything after the script, less a separating `--`), and
    /// `CommandLine.arguments` has replaced bytes that are not UTF-8 with U+FFFD, which
    /// `lua5.4` would not. Falls back to the strings' UTF-8 if `argv` does not end with them
    /// (it always should).
    static func rawBytes(of arguments: [String]) -> [[UInt8]] {
        guard let place = argvPlace(of: arguments) else { return arguments.map { Array($0.utf8) } }
        return place.indices.map { bytes(at: $0) ?? [] }
    }

    /// Where `arguments` are in `argv`: the last entries, or the last but one separating
    /// `--` the split dropped (the first `--` after the script); each checked against the
    /// string it decodes to. `start` is the first entry after the script.
    static func argvPlace(of arguments: [String]) -> (indices: [Int], start: Int)? {
        let count = Int(CommandLine.argc)
        func matches(_ indices: [Int]) -> Bool {
            zip(indices, arguments).allSatisfy { index, argument in
                bytes(at: index).map { String(decoding: $0, as: UTF8.self) == argument } ?? false
            }
        }
        guard arguments.count < count else { return nil }
        let last = Array((count - arguments.count)..<count)
        if matches(last) {
            // A separator right after the script (`s.lua -- a`) was dropped too.
            let before = count - arguments.count - 1
            return (last, before > 0 && bytes(at: before) == Array("--".utf8) ? before : count - arguments.count)
        }
        let start = count - arguments.count - 1
        guard start > 0, let separator = (start..<count).first(where: { bytes(at: $0) == Array("--".utf8) }) else { return nil }
        let indices = (start..<count).filter { $0 != separator }
        return matches(indices) ? (indices, start) : nil
    }

    private static func bytes(at index: Int) -> [UInt8]? {
        guard let pointer = CommandLine.unsafeArgv[index] else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)).map { $0 }
    }
}

extension ScriptArgumentSplit {
    /// The bytes of the script path when they are not UTF-8 (nil when they are, or when `argv`
    /// does not hold `script` just before `arguments`).
    static func rawScriptPath(_ script: String, followedBy arguments: [String]) -> [UInt8]? {
        guard let index = argvPlace(of: arguments).map({ $0.start - 1 }), index > 0, let bytes = bytes(at: index) else { return nil }
        guard String(validating: bytes, as: UTF8.self) == nil, String(decoding: bytes, as: UTF8.self) == script else { return nil }
        return bytes
    }
}

extension ScriptArgumentSplit {
    /// The bytes of the `-e` chunk as given in `argv` (the last `-e` before the script's
    /// `arguments` whose value decodes to `chunk`), so a chunk's string literals keep bytes
    /// that are not UTF-8, as with `lua5.4 -e`.
    static func rawChunk(_ chunk: String, before arguments: [String]) -> [UInt8]? {
        let end = Int(CommandLine.argc) - arguments.count
        var found: [UInt8]?
        var index = 1
        while index + 1 < end {
            defer { index += 1 }
            guard let flag = CommandLine.unsafeArgv[index], strcmp(flag, "-e") == 0,
                  let value = CommandLine.unsafeArgv[index + 1] else { continue }
            let bytes = UnsafeRawBufferPointer(start: value, count: strlen(value)).map { $0 }
            if String(decoding: bytes, as: UTF8.self) == chunk { found = bytes }
        }
        return found
    }
}
