import Testing
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

    @Test("the split parses as ArgumentParser parses the whole command line", arguments: [
        ["run", "s.lua", "a", "--timeout", "5s", "--", "-e"],
        ["run", "--timeout", "5s", "--dry-run", "s.lua", "x"],
        ["run", "--var=a=b", "-v", "s.lua", "--var", "c=d"],
        ["run", "-e", "print(...)", "x", "y", "-e", "z"],
        ["run", "--seed", "3", "--", "s.lua", "--", "y"],
        ["run", "-", "a", "b"],
        ["run", "--lib-path", "/l", "--lib-path", "/m", "s.lua"],
        ["run", "-vv", "s.lua", "-v"],
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

    @Test("no split without a script: ArgumentParser sees it all")
    func noScript() {
        #expect(ScriptArgumentSplit.split(["run", "--dry-run"]) == nil)
        #expect(ScriptArgumentSplit.split(["apply", "plan.json"]) == nil)
        #expect(ScriptArgumentSplit.split(["run", "--timeout", "5s"]) == nil)
    }
}
