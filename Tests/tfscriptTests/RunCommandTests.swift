import ArgumentParser
import TestSupport
import Foundation
import Testing
@testable import tfscript

/// `tfscript run` end to end: the real binary, its exit codes and what it prints.
@Suite(.serialized)
struct RunCommandTests {
    func runScript(_ source: String, name: String = "script.lua", _ flags: [String] = [], arguments: [String] = []) async throws -> TFScriptProcess.Result {
        let url = try TFScriptProcess.writeTemporaryFile(named: name, contents: source)
        return try await TFScriptProcess.run(["run"] + flags + [url.path] + arguments)
    }

    @Test("a script that returns normally exits 0 and prints to stdout")
    func success() async throws {
        let result = try await runScript("print('hello', 42, 1.5)")
        #expect(result.status == 0)
        #expect(result.stdout == "hello\t42\t1.5\n")
        #expect(result.stderr.isEmpty)
    }

    @Test("an uncaught error exits 1 with script.lua:LINE: and a traceback")
    func uncaughtError() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(named: "script.lua", contents: "local x = 1\nlocal function f()\n  error('boom')\nend\nf()\n")
        let result = try await TFScriptProcess.run(["run", "script.lua"], currentDirectory: url.deletingLastPathComponent())
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("script.lua:3: boom\nstack traceback:\n"))
        #expect(result.stderr.contains("script.lua:5: in main chunk"))
    }

    @Test("a syntax error exits 1 and names the line")
    func syntaxError() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(named: "bad.lua", contents: "print('ok')\nlocal = 3\n")
        let result = try await TFScriptProcess.run(["run", "bad.lua"], currentDirectory: url.deletingLastPathComponent())
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("bad.lua:2:"))
        #expect(result.stdout.isEmpty)
    }

    @Test("an error table with a throwing __tostring still exits 1 without crashing")
    func throwingToString() async throws {
        let result = try await runScript("error(setmetatable({}, {__tostring = function() error('again') end}))")
        #expect(result.status == 1)
        #expect(result.stderr.contains("__tostring failed"))
    }

    @Test("a missing script exits 2 with a clear message")
    func missingScript() async throws {
        let result = try await TFScriptProcess.run(["run", "/nonexistent/nothere.lua"])
        #expect(result.status == 2)
        #expect(result.stderr == "tfscript: cannot open script '/nonexistent/nothere.lua': no such file (check the path)\n")
    }

    @Test("a bad --memory-limit is a usage error (exit 2)")
    func badMemoryLimit() throws {
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--memory-limit", "12X", "script.lua"]))
        #expect(result.status == 2)
        #expect(result.message.contains("--memory-limit"))
    }

    @Test("a bad --var is a usage error (exit 2)")
    func badVar() throws {
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--var", "novalue", "script.lua"]))
        #expect(result.status == 2)
        #expect(result.message.contains("key=value"))
    }

    @Test("arg and ... hold the script path and arguments")
    func arguments() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(named: "args.lua", contents: "print(arg[0], #arg, arg[1], arg[2], select('#', ...), ...)")
        let result = try await TFScriptProcess.run(["run", url.path, "one", "--two"])
        #expect(result.status == 0)
        #expect(result.stdout == "\(url.path)\t2\tone\t--two\t2\tone\t--two\n")
    }

    @Test("--var pairs are visible as tf.vars")
    func variables() async throws {
        let result = try await runScript("print(tf.vars.region, tf.vars.empty == '', tf.vars.eq)", ["--var", "region=eu-north1", "--var", "empty=", "--var", "eq=a=b"])
        #expect(result.status == 0)
        #expect(result.stdout == "eu-north1\ttrue\ta=b\n")
    }

    @Test("--timeout ends an endless loop with exit 3 and one line")
    func timeout() async throws {
        let result = try await runScript("print('start') while true do end", ["--timeout", "300ms"])
        #expect(result.status == 3)
        #expect(result.stderr == "tfscript: timeout of 300ms exceeded\n")
        #expect(result.stdout == "start\n")
    }

    @Test("--memory-limit ends a growing table with exit 3 and one line")
    func memoryLimit() async throws {
        let result = try await runScript("local t = {} for i = 1, 1e9 do t[i] = {i} end", ["--memory-limit", "16M"])
        #expect(result.status == 3)
        #expect(result.stderr == "tfscript: memory limit of 16 MiB exceeded\n")
    }

    @Test("--seed makes math.random reproducible")
    func seed() async throws {
        let a = try await runScript("print(math.random(1, 1e9))", ["--seed", "7"])
        let b = try await runScript("print(math.random(1, 1e9))", ["--seed", "7"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
    }

    @Test("--env lets os.getenv see only the named variables")
    func environment() async throws {
        let url = try TFScriptProcess.writeTemporaryFile(named: "env.lua", contents: "print(os.getenv('TFS_ALLOWED'), os.getenv('TFS_SECRET'))")
        let result = try await TFScriptProcess.run(["run", "--env", "TFS_ALLOWED", url.path],
                                             environment: ["TFS_ALLOWED": "yes", "TFS_SECRET": "token", "PATH": "/usr/bin:/bin"])
        #expect(result.stdout == "yes\tnil\n")
    }

    @Test("require finds modules next to the script and in --lib-path")
    func requireModules() async throws {
        let main = try TFScriptProcess.writeTemporaryFile(named: "main.lua", contents: "print(require('near').x, require('far.mod').y)")
        try Data("return {x = 'near'}".utf8).write(to: main.deletingLastPathComponent().appendingPathComponent("near.lua"))
        let libRoot = try TFScriptProcess.writeTemporaryFile(named: "unused.txt", contents: "").deletingLastPathComponent()
        try FileManager.default.createDirectory(at: libRoot.appendingPathComponent("far"), withIntermediateDirectories: true)
        try Data("return {y = 'far'}".utf8).write(to: libRoot.appendingPathComponent("far/mod.lua"))
        let result = try await TFScriptProcess.run(["run", "--lib-path", libRoot.path, main.path])
        #expect(result.stdout == "near\tfar\n", "\(result.stderr)")
    }

    @Test("--max-output truncates print output and says so once")
    func outputCap() async throws {
        let result = try await runScript("for i = 1, 1000 do print(string.rep('x', 99)) end", ["--max-output", "1K"])
        #expect(result.status == 0)
        #expect(result.stdout.utf8.count == 1024)
        #expect(result.stderr == "tfscript: output truncated at 1 KiB (--max-output)\n")
    }

    @Test("run --help teaches the sandbox, limits and exit codes")
    func help() throws {
        let result = try #require(ParsedCommandLine.earlyExit(["run", "--help"]))
        #expect(result.status == 0)
        for needle in ["sandbox", "--memory-limit", "--timeout", "EXIT CODES", "3 limit", "EXAMPLE", "require", "--var"] {
            #expect(result.message.contains(needle), "missing \(needle)")
        }
    }

    @Test("tfscript --version prints the version, the Lua it links and how it is linked")
    func version() async throws {
        let result = try await TFScriptProcess.run(["--version"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "tfscript 0.1.0")
        // A test build is not made by scripts/build-release: no stamp, and the shared liblua.
        #expect(lines.contains("commit:   none (not built by scripts/build-release)"))
        #expect(lines.contains { $0.hasPrefix("lua:      Lua 5.4.") && $0.hasSuffix(", linked as a shared library") })
        #expect(lines.contains("runtime:  Swift runtime and Foundation linked as a shared library"))
        #expect(result.stderr.isEmpty)
    }

    @Test("tfscript --version -o json is one JSON document for tools")
    func versionJSON() async throws {
        let result = try await TFScriptProcess.run(["--version", "-o", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "0.1.0")
        #expect(json["commit"] is NSNull)
        #expect(json["build_date"] is NSNull)
        let lua = try #require(json["lua"] as? [String: Any])
        #expect((lua["release"] as? String)?.hasPrefix("Lua 5.4.") == true)
        #expect(lua["linkage"] as? String == "shared")
        #expect((json["swift_runtime"] as? [String: Any])?["linkage"] as? String == "shared")
    }

    @Test("tfscript alone still prints the help; an unknown --version format is a usage error")
    func versionFormatAlone() async throws {
        // `tfscript` alone parses into the root command, whose run() ends with the help.
        let root = try #require(try TFScriptCommand.parseRunningArgumentsApart([]) as? TFScriptCommand)
        var help = ""
        do { try await root.run() } catch { help = TFScriptCommand.fullMessage(for: error) }
        #expect(help.contains("SUBCOMMANDS"))
        let yaml = try #require(ParsedCommandLine.earlyExit(["--output", "yaml", "--version"]))
        #expect(yaml.status == 2)
    }

    @Test("the hello example runs with plain tfscript run")
    func helloExample() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = try await TFScriptProcess.run(["run", "examples/hello.lua", "world"], currentDirectory: root)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Hello, world!\n"))
    }
}
