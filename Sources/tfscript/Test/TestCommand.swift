import ArgumentParser
import Foundation
import TFScript
import TFScriptJSON
import TFScriptLuaHost

/// `tfscript test [PATH…]`: runs the tests of automation scripts (`*_test.lua`), each case in a
/// sandbox of its own, against in-process simulators (docs/testing.md).
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run tests of your scripts (*_test.lua): each case in its own sandbox, against a simulator.",
        discussion: """
            A test file is Lua:

              local t = require "tfscript.test"
              t.case("stops only test endpoints", function()
                local sim = t.simulator{fleet = "fixtures/fleet.json"}   -- or an inline list
                local run = sim:run("../nightly-scale-down.lua", {args = {"test-*"}, dry_run = true})
                t.eq(run.exit_code, 0)
                t.eq(#run.plan.operations, 3)
              end)

            Assertions: t.eq, t.ne (nested tables, with a diff), t.truthy, t.match (a Lua \
            pattern), t.raises(fn [, pattern]); t.skip(reason); t.setup(fn) runs before each \
            case. A simulator: sim:run(script, {args, vars, env, dry_run, timeout, \
            memory_limit}) returns exit_code, status, stdout, error, values, plan, \
            changes_sent; sim:fault{method, path, status, times}; sim:requests(); \
            sim:endpoint(id); sim:endpoints(); sim:advance(seconds).

            Exit codes: 0 all passed (or skipped), 1 a case failed or erred, 2 usage error \
            (no test files). See docs/testing.md.
            """)

    @Argument(help: ArgumentHelp("Test files or folders (default: tests/).", valueName: "path"), completion: .file(extensions: ["lua"]))
    var paths: [String] = []

    @Option(help: ArgumentHelp("Run only cases whose file or name contains this text.", valueName: "text"))
    var filter: String?

    @Option(help: ArgumentHelp("Also write the results as JUnit XML (what CI systems read) to this file.", valueName: "file"))
    var junit: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("text (default) or json.", valueName: "format"))
    var format: VersionCommand.Format = .text

    @Option(help: ArgumentHelp("How many cases run at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        let files: [String]
        do { files = try TestDiscovery.files(in: paths.isEmpty ? ["tests"] : paths) } catch let failure as CommandFailure {
            Diagnostics.failure(failure)
            throw ExitCode(failure.exitCode)
        }
        let report = await TestRunner(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, filter: filter).run(files)
        switch format {
        case .text: print(report.text, terminator: "")
        case .json: print(report.json.serialized(pretty: false))
        }
        if let junit {
            do { try PrivateFile.write(Array(report.junit.utf8), to: junit) } catch {
                Diagnostics.failure(CommandFailure(exitCode: 2, message: "cannot write --junit \(junit): \(error)"))
                throw ExitCode(2)
            }
        }
        if !report.succeeded { throw ExitCode(1) }
    }
}

/// Finds test files: the files given, and `*_test.lua` under the folders given, sorted.
enum TestDiscovery {
    static func files(in paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw CommandFailure(exitCode: 2, message: "no test file or folder at \(path) (tests are *_test.lua files, by default under tests/)")
            }
            if !isFolder.boolValue { found.append(path); continue }
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let item = enumerator?.nextObject() as? String {
                if item.hasSuffix("_test.lua") { found.append((path as NSString).appendingPathComponent(item)) }
            }
        }
        guard !found.isEmpty else {
            throw CommandFailure(exitCode: 2, message: "no test files (*_test.lua) in \(paths.joined(separator: ", "))")
        }
        return Array(Set(found)).sorted()
    }
}
