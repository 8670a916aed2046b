import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import TFScriptJSON
import Testing

/// `tfscript test` through the binary (issue 23, section 1): passing, failing (with a diff and
/// the assertion's line), erroring and skipped cases, filters, JSON and JUnit reports, and the
/// same report whatever order parallel cases finish in.
struct TestCommandTests {
    static let script = """
        local pattern = arg[1] or "test-*"
        for _, ep in ipairs(tf.endpoints.list{name = pattern, enabled = true}) do tf.endpoints.patch(ep, {enabled = false}) end
        """

    static let tests = """
        local t = require "tfscript.test"
        local ran = 0
        t.setup(function() ran = ran + 1 end)
        t.case("passes", function()
          local sim = t.simulator{}
          local run = sim:run("stop.lua", {dry_run = true})
          t.eq(run.exit_code, 0)
          t.eq(#run.plan.operations, 3)
          t.eq(ran, 1)
        end)
        t.case("fails with a diff", function()
          t.eq({a = 1, b = {c = "x"}}, {a = 1, b = {c = "y"}})
        end)
        t.case("errors", function() error("boom") end)
        t.case("is skipped", function() t.skip("not today") end)
        t.case("raises and matches", function()
          t.raises(function() error("bad thing") end, "bad")
          t.match("hello", "^h")
          t.truthy(true)
          t.ne(1, 2)
        end)
        """

    /// A folder with the script under test and its test file.
    static func project() throws -> URL {
        let folder = URL(fileURLWithPath: FaultRig.temporaryPath("project"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try Data(script.utf8).write(to: folder.appendingPathComponent("tests/stop.lua"))
        try Data(tests.utf8).write(to: folder.appendingPathComponent("tests/stop_test.lua"))
        return folder
    }

    @Test("one line per case, a diff and the line for a failure, a summary; exit 1 when any case fails")
    func textReport() async throws {
        let folder = try Self.project()
        let result = try await TFScriptProcess.run(["test"], environment: TFScriptProcess.baseEnvironment, currentDirectory: folder)
        #expect(result.status == 1, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("ok    tests/stop_test.lua › passes ("), "\(out)")
        #expect(out.contains("FAIL  tests/stop_test.lua › fails with a diff ("), "\(out)")
        #expect(out.contains("      not equal\n        at .b.c: expected \"y\", got \"x\"\n      at tests/stop_test.lua:12\n"), "\(out)")
        #expect(out.contains("ERROR tests/stop_test.lua › errors ("), "\(out)")
        #expect(out.contains("tests/stop_test.lua:14: boom"), "\(out)")
        #expect(out.contains("skip  tests/stop_test.lua › is skipped ("), "\(out)")
        #expect(out.contains("      not today"), "\(out)")
        #expect(out.contains("ok    tests/stop_test.lua › raises and matches ("), "\(out)")
        #expect(out.contains("\n2 passed, 1 failed, 1 errors, 1 skipped in "), "\(out)")
    }

    @Test("--filter runs only matching cases; all passing is exit 0; no test files is exit 2")
    func filterAndExitCodes() async throws {
        let folder = try Self.project()
        let passing = try await TFScriptProcess.run(["test", "--filter", "pass"], environment: TFScriptProcess.baseEnvironment, currentDirectory: folder)
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(passing.stdout.contains("1 passed, 0 failed, 0 errors, 0 skipped"))
        let none = try await TFScriptProcess.run(["test", "nowhere"], environment: TFScriptProcess.baseEnvironment, currentDirectory: folder)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no test file or folder at nowhere"))
    }

    @Test("-o json and --junit report every case; JUnit has the elements CI systems require; parallel or not, the same report")
    func machineReports() async throws {
        let folder = try Self.project()
        let junit = folder.appendingPathComponent("report.xml").path
        let json = try await TFScriptProcess.run(["test", "-o", "json", "--junit", junit], environment: TFScriptProcess.baseEnvironment, currentDirectory: folder)
        #expect(json.status == 1)
        let report = try JSONValue(parsing: Array(json.stdout.utf8))
        #expect(report["passed"] == 2 && report["failed"] == 1 && report["errors"] == 1 && report["skipped"] == 1)
        #expect(report["cases"]?.arrayValue?.map { $0["status"] } == ["pass", "fail", "error", "skip", "pass"])
        #expect(report["cases"]?.arrayValue?[1]["at"] == "tests/stop_test.lua:12")

        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "))
        #expect(xml.contains("<testsuite name=\"tests/stop_test.lua\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\""))
        #expect(xml.contains("<testcase classname=\"tests/stop_test.lua\" name=\"fails with a diff\" time=\""))
        #expect(xml.contains("<failure message=\"not equal&#10;  at .b.c: expected &quot;y&quot;, got &quot;x&quot; (at tests/stop_test.lua:12)\">"))
        #expect(xml.contains("<skipped message=\"not today\"/>"))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 5)
        // Well-formed: the parser Foundation ships accepts it.
        #expect(try XMLDocument(xmlString: xml).rootElement()?.name == "testsuites")

        let serial = try await TFScriptProcess.run(["test", "-o", "json", "--jobs", "1"], environment: TFScriptProcess.baseEnvironment, currentDirectory: folder)
        let one = try JSONValue(parsing: Array(serial.stdout.utf8))
        #expect(one["cases"]?.arrayValue?.map { [$0["name"], $0["status"], $0["message"] ?? .null] }
            == report["cases"]?.arrayValue?.map { [$0["name"], $0["status"], $0["message"] ?? .null] })
    }

    @Test("t.replay turns a recorded run into a test: the script under test is answered from the cassette")
    func replayCassette() async throws {
        let folder = try Self.project()
        let api = try await SimulatedAPI.start()
        let cassette = folder.appendingPathComponent("tests/recorded.json").path
        let recorded = try await api.tfscript(
            ["run", "--base-url", api.baseURL, "--record", cassette, "--dry-run", folder.appendingPathComponent("tests/stop.lua").path])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        await api.stop()
        try Data("""
            local t = require "tfscript.test"
            t.case("replays", function()
              local production = t.replay("recorded.json")
              local run = production:run("stop.lua", {dry_run = true})
              t.eq(run.exit_code, 0, run.error)
              t.eq(#run.plan.operations, 3)
              t.raises(function() production:requests() end, "a replay answers from its cassette")
            end)
            """.utf8).write(to: folder.appendingPathComponent("tests/replay_test.lua"))
        let result = try await TFScriptProcess.run(["test", "tests/replay_test.lua"], environment: TFScriptProcess.baseEnvironment, currentDirectory: folder)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ok    tests/replay_test.lua › replays"))
    }

    @Test("the examples' tests pass")
    func examples() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = try await TFScriptProcess.run(["test", "examples/tests"], environment: TFScriptProcess.baseEnvironment, currentDirectory: root)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("FAIL") && !result.stdout.contains("ERROR"))
    }
}
