import ArgumentParser
import Foundation
import TestSupport
import TFScript
import TFScriptJSON
import Testing
@testable import tfscript

/// Results shaped for people and tools (issue 22, section 2): `-o jsonl`, `-o wide`,
/// `--columns HEADING:path` (an unknown path is an error), JSON on one line when piped or with
/// `--compact`. Rendering is checked in-process on real results; the binary once per format.
struct ResultFormatTests {
    /// What `-o …` prints for what `source` returns, rendered as the CLI renders it.
    static func printed(_ source: String, _ flags: [String], terminal: Bool = false) async throws -> String? {
        let engine = try await ScriptEngine(controlPlane: .unconfigured(TokenFactoryError(kind: .configuration, message: "none")))
        let result = await engine.run(.text(source))
        try await engine.shutdown()
        var printer = ResultPrinter(options: try ResultOptions.parse(flags))
        printer.prettyJSON = terminal
        return try printer.text(for: result)
    }

    @Test("-o json is indented on a terminal, one line when piped or with --compact")
    func jsonLayout() async throws {
        #expect(try await Self.printed("return {ok = true}", ["-o", "json"], terminal: true) == "{\n  \"ok\": true\n}\n")
        #expect(try await Self.printed("return {ok = true}", ["-o", "json"]) == "{\"ok\":true}\n")
        #expect(try await Self.printed("return {ok = true}", ["-o", "json", "--compact"], terminal: true) == "{\"ok\":true}\n")
    }

    @Test("-o jsonl prints each element of a returned array, or each value, as one compact line")
    func jsonLines() async throws {
        #expect(try await Self.printed("return {{a = 1}, {a = 2}}", ["-o", "jsonl"]) == "{\"a\":1}\n{\"a\":2}\n")
        #expect(try await Self.printed("return 1, 'two'", ["-o", "jsonl"]) == "1\n\"two\"\n")
        #expect(try await Self.printed("local nothing = 1", ["-o", "jsonl"]) == "")
    }

    @Test("--columns HEADING:path renames a heading; -o wide keeps a 60-character id whole where -o table cuts it")
    func headingsAndWide() async throws {
        let source = "return {{id = string.rep('x', 60), scaling = {min_replicas = 0}}}"
        let table = try #require(try await Self.printed(source, ["-o", "table", "--columns", "ID:id,MIN:scaling.min_replicas"]))
        #expect(table.hasPrefix("ID "))
        #expect(table.contains(" MIN\n"))
        #expect(!table.contains(String(repeating: "x", count: 60)))
        let wide = try #require(try await Self.printed(source, ["-o", "wide", "--columns", "ID:id,MIN:scaling.min_replicas"]))
        #expect(wide.contains(String(repeating: "x", count: 60) + "  0\n"))
    }

    @Test("a --columns path no record has is an error (exit 2), not an empty column")
    func unknownColumn() async throws {
        await #expect {
            _ = try await Self.printed("return {{name = 'a'}}", ["-o", "table", "--columns", "name,scaling.min_replica"])
        } throws: { error in
            (error as? CommandFailure)?.exitCode == 2
                && (error as? CommandFailure)?.message.contains("--columns: no record has the field scaling.min_replica") == true
        }
    }

    @Test("through the binary: endpoints list -o jsonl is one object per line; -o wide and --columns work there too")
    func binary() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let lines = try await api.tfscript(["endpoints", "list", "--base-url", api.baseURL, "-o", "jsonl"])
        #expect(lines.status == 0, "\(lines.stderr)")
        let records = lines.stdout.split(separator: "\n").map { try? JSONValue(parsing: Array($0.utf8)) }
        #expect(records.count == 12)
        #expect(records.allSatisfy { $0?["endpoint_id"] != nil })
        let wide = try await api.tfscript(["endpoints", "list", "--base-url", api.baseURL, "-o", "wide", "--columns", "NAME:name,MIN:scaling.min_replicas"])
        #expect(wide.status == 0, "\(wide.stderr)")
        #expect(wide.stdout.hasPrefix("NAME               MIN\n"), "\(wide.stdout)")
        let unknown = try await api.tfscript(["endpoints", "list", "--base-url", api.baseURL, "--columns", "nme"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--columns: no record has the field nme"), "\(unknown.stderr)")
    }
}
