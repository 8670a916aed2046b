import Testing
import ArgumentParser
import TFScriptJSON
@testable import tfscript

/// `run`'s command line is cut at the script so ArgumentParser never sees the script's
/// arguments; the cut must give exactly what ArgumentParser alone gives.
struct ScriptArgumentSplitTests {
    @Test("options that take a value are known from RunCommand's own definition")
    func valueOptions() {
        let names = ScriptArgumentSplit.valueOptions
        for name in ["--timeout", "--memory-limit", "--lock", "--journal", "--var", "-e", "-o", "--base-url", "--plan-out"] {
            #expect(names.contains(name), "\(name)")
        }
        for name in ["--dry-run", "--simulator", "-v", "--help", "--yes"] {
            #expect(!names.contains(name), "\(name)")
        }
    }

    @Test("the split's option lists are RunCommand's, as ArgumentParser describes it")
    func listsMatchRunCommand() throws {
        let info = try JSONValue(parsing: RunCommand._dumpHelp())
        let arguments = try #require(info["command"]?["arguments"]?.arrayValue)
        func names(ofKind kind: String) -> Set<String> {
            var names = Set<String>()
            for argument in arguments where argument["kind"]?.stringValue == kind {
                for name in argument["names"]?.arrayValue ?? [] {
                    guard let text = name["name"]?.stringValue else { continue }
                    names.insert(name["kind"]?.stringValue == "short" ? "-" + text : "--" + text)
                }
            }
            return names
        }
        let options = names(ofKind: "option")
        let flags = names(ofKind: "flag").subtracting(["--help", "-h", "--version"])
        #expect(options.count > 20 && flags.count > 5, "the dump lists run's options: \(options) \(flags)")
        #expect(ScriptArgumentSplit.valueOptions == options, "missing: \(options.subtracting(ScriptArgumentSplit.valueOptions)); not run's: \(ScriptArgumentSplit.valueOptions.subtracting(options))")
        #expect(ScriptArgumentSplit.flagNames == flags, "missing: \(flags.subtracting(ScriptArgumentSplit.flagNames)); not run's: \(ScriptArgumentSplit.flagNames.subtracting(flags))")
    }

    @Test("the split parses as ArgumentParser parses the whole command line", arguments: [
        ["run", "s.lua", "a", "-x", "5s", "--e", "-"],
        ["run", "--timeout", "5s", "--dry-run", "s.lua", "x"],
        ["run", "--var=a=b", "-v", "s.lua", "--variable", "c=d"],
        ["run", "-e", "print(...)", "x", "y", "z"],
        ["run", "--seed", "3", "--", "s.lua", "--", "y", "--dry-run"],
        ["run", "-", "a", "b"],
        ["run", "--lib-path", "/l", "--lib-path", "/m", "s.lua"],
        ["run", "-vv", "s.lua", "v"],
    ])
    func sameAsArgumentParser(_ commandLine: [String]) throws {
        let whole = try #require(try TFScriptCommand.parseWhole(commandLine) as? RunCommand)
        #expect(ScriptArgumentSplit.split(commandLine) != nil)
        let parsed = try #require(try TFScriptCommand.parseRunningArgumentsApart(commandLine) as? RunCommand)
        #expect(parsed.script == whole.script)
        #expect(parsed.chunk == whole.chunk)
        #expect(parsed.arguments == whole.arguments)
        #expect(parsed.sandbox.timeout?.duration == whole.sandbox.timeout?.duration)
        #expect(parsed.sandbox.variableAssignments == whole.sandbox.variableAssignments)
        #expect(parsed.sandbox.libraryPaths == whole.sandbox.libraryPaths)
    }

    @Test("without a script ArgumentParser sees it all; apply is never split")
    func noScript() {
        #expect(ScriptArgumentSplit.split(["run", "--dry-run"]) == .init(head: ["run", "--dry-run"], tail: [], misplaced: []))
        #expect(ScriptArgumentSplit.split(["apply", "plan.json"]) == nil)
        #expect(ScriptArgumentSplit.split(["run", "--timeout", "5s"]) == .init(head: ["run", "--timeout", "5s"], tail: [], misplaced: []))
    }

    @Test("tfscript's options after the script or -e CHUNK are found, in every form, with their values", arguments: [
        (["run", "s.lua", "--dry-run"], ["--dry-run"]),
        (["run", "s.lua", "a", "--timeout", "5s", "b", "--var=x=1", "-vq", "-ojson", "-o", "table", "-vo", "json"],
         ["--timeout 5s", "--var=x=1", "-vq", "-o table", "-vo json"]),
        (["run", "-e", "c", "--dry-run", "x", "-v"], ["--dry-run", "-v"]),
        (["run", "-ve", "c", "--seed", "1"], ["--seed 1"]),
        (["run", "-otable", "-e", "c", "x"], []),
        (["run", "s.lua", "-vx", "-ov", "-ojson", "-e1"], []),
        (["run", "s.lua", "-x", "--name", "--help", "-h", "--version", "-", "-5"], []),
        (["run", "s.lua", "a", "--", "--dry-run"], []),
        (["run", "--", "s.lua", "--dry-run"], []),
        (["run", "-e", "c", "--", "--dry-run"], []),
    ])
    func misplaced(_ commandLine: [String], _ expected: [String]) throws {
        let split = try #require(ScriptArgumentSplit.split(commandLine))
        #expect(split.misplaced == expected)
    }

    @Test("the first -- after the script separates and is dropped; later ones are the script's")
    func separator() throws {
        let split = try #require(ScriptArgumentSplit.split(["run", "s.lua", "a", "--", "--dry-run", "--", "b"]))
        #expect(split.tail == ["a", "--dry-run", "--", "b"])
        #expect(split.misplaced.isEmpty)
    }
}
