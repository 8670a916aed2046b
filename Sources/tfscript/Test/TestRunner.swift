import Foundation
import TFScript
import TFScriptJSON
import TFScriptLuaHost

/// Runs test files: each once to list its cases, then each case in a run of its own (a fresh
/// sandbox), several at a time; results come back in file and case order whatever finished first.
struct TestRunner {
    var jobs: Int
    var filter: String?

    struct CaseResult: Sendable {
        var file: String
        var name: String
        var outcome: TestHost.Outcome
        var duration: Duration
    }

    struct Report {
        var results: [CaseResult]
        var duration: Duration

        var succeeded: Bool { results.allSatisfy { ["pass", "skip"].contains($0.outcome.status) } }
        func count(_ status: String) -> Int { results.filter { $0.outcome.status == status }.count }

        /// One line per case, the failures' messages indented under them, then a summary.
        var text: String {
            var lines: [String] = []
            for result in results {
                let label = "\(DisplayText.escapingControlCharacters(result.file)) › \(DisplayText.escapingControlCharacters(result.name))"
                let mark = ["pass": "ok   ", "fail": "FAIL ", "skip": "skip ", "error": "ERROR"][result.outcome.status] ?? "?    "
                lines.append("\(mark) \(label) (\(Self.milliseconds(result.duration)) ms)")
                if result.outcome.status != "pass", !result.outcome.message.isEmpty {
                    for line in DisplayText.escapingControlCharactersByLine(result.outcome.message).split(separator: "\n", omittingEmptySubsequences: false) {
                        lines.append("      \(line)")
                    }
                    if let at = result.outcome.at { lines.append("      at \(DisplayText.escapingControlCharacters(at))") }
                }
            }
            lines.append("")
            lines.append("\(count("pass")) passed, \(count("fail")) failed, \(count("error")) errors, \(count("skip")) skipped "
                + "in \(String(format: "%.2f", Double(Self.milliseconds(duration)) / 1000)) s")
            return lines.joined(separator: "\n") + "\n"
        }

        var json: JSONValue {
            .object([
                "passed": .integer(Int64(count("pass"))), "failed": .integer(Int64(count("fail"))),
                "errors": .integer(Int64(count("error"))), "skipped": .integer(Int64(count("skip"))),
                "duration_ms": .integer(Self.milliseconds(duration)),
                "cases": .array(results.map { result in
                    var entry: [String: JSONValue] = [
                        "file": .string(result.file), "name": .string(result.name), "status": .string(result.outcome.status),
                        "duration_ms": .integer(Self.milliseconds(result.duration)),
                    ]
                    if !result.outcome.message.isEmpty { entry["message"] = .string(result.outcome.message) }
                    entry["at"] = result.outcome.at.map(JSONValue.string)
                    return .object(entry)
                }),
            ])
        }

        /// JUnit XML: one `testsuite` per file, a `testcase` per case with `failure`, `error`
        /// or `skipped` as it ended.
        var junit: String {
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            xml += "<testsuites name=\"tfscript test\" tests=\"\(results.count)\" failures=\"\(count("fail"))\" errors=\"\(count("error"))\" skipped=\"\(count("skip"))\" time=\"\(Self.seconds(duration))\">\n"
            var files: [String] = []
            for result in results where !files.contains(result.file) { files.append(result.file) }
            for file in files {
                let cases = results.filter { $0.file == file }
                let time = cases.reduce(Duration.zero) { $0 + $1.duration }
                xml += "  <testsuite name=\"\(Self.escaped(file))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { $0.outcome.status == "fail" }.count)\" errors=\"\(cases.filter { $0.outcome.status == "error" }.count)\" skipped=\"\(cases.filter { $0.outcome.status == "skip" }.count)\" time=\"\(Self.seconds(time))\">\n"
                for result in cases {
                    xml += "    <testcase classname=\"\(Self.escaped(file))\" name=\"\(Self.escaped(result.name))\" time=\"\(Self.seconds(result.duration))\""
                    let message = Self.escaped(result.outcome.message + (result.outcome.at.map { " (at \($0))" } ?? ""))
                    switch result.outcome.status {
                    case "fail": xml += ">\n      <failure message=\"\(message)\">\(message)</failure>\n    </testcase>\n"
                    case "error": xml += ">\n      <error message=\"\(message)\">\(message)</error>\n    </testcase>\n"
                    case "skip": xml += ">\n      <skipped message=\"\(message)\"/>\n    </testcase>\n"
                    default: xml += "/>\n"
                    }
                }
                xml += "  </testsuite>\n"
            }
            return xml + "</testsuites>\n"
        }

        static func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }

        static func seconds(_ duration: Duration) -> String { String(format: "%.3f", Double(milliseconds(duration)) / 1000) }

        /// XML text: markup characters as entities, and characters XML 1.0 cannot hold dropped.
        static func escaped(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\t", "\n", "\r": out += "&#\(scalar.value);"
                default:
                    if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
    }

    func run(_ files: [String]) async -> Report {
        let clock = ContinuousClock()
        let started = clock.now
        let library = Self.libraryFolder()
        defer { try? FileManager.default.removeItem(atPath: library) }
        let engine: ScriptEngine
        do {
            engine = try await ScriptEngine(controlPlane: .unconfigured(TokenFactoryError(
                kind: .configuration, message: "a test talks to a simulator: local sim = t.simulator{…}; sim:run(script)")))
        } catch {
            return Report(results: [], duration: .zero)
        }
        defer { Task { try? await engine.shutdown() } }
        // Every file's cases first (quick: nothing runs but the declarations).
        var cases: [(file: String, name: String)] = []
        var results: [CaseResult] = []
        for file in files {
            let (declared, failure) = await runFile(file, case: nil, engine: engine, library: library)
            if let failure {
                results.append(CaseResult(file: file, name: "(loading the file)", outcome: failure, duration: .zero))
                continue
            }
            for name in declared where filter.map({ file.contains($0) || name.contains($0) }) ?? true {
                cases.append((file, name))
            }
        }
        let ordered = await withTaskGroup(of: (Int, CaseResult).self) { group in
            var next = 0
            var done: [(Int, CaseResult)] = []
            func start() {
                guard next < cases.count else { return }
                let (index, item) = (next, cases[next])
                next += 1
                group.addTask {
                    let begin = ContinuousClock.now
                    let (_, outcome) = await runFile(item.file, case: item.name, engine: engine, library: library)
                    let result = outcome ?? TestHost.Outcome(status: "error", message: "the case did not report (did the file call t.case?)")
                    return (index, CaseResult(file: item.file, name: item.name, outcome: result, duration: ContinuousClock.now - begin))
                }
            }
            for _ in 0..<max(1, jobs) { start() }
            while let finished = await group.next() {
                done.append(finished)
                start()
            }
            return done.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return Report(results: results + ordered, duration: clock.now - started)
    }

    /// Runs `file` once: listing its cases (`name` nil) or running one. Returns the declared
    /// names and the case's outcome (or why the file could not run).
    private func runFile(_ file: String, case name: String?, engine: ScriptEngine, library: String) async -> ([String], TestHost.Outcome?) {
        let folder = (file as NSString).deletingLastPathComponent
        let host = TestHost(folder: folder.isEmpty ? "." : folder)
        var options = ScriptOptions()
        options.arguments = [file]
        options.modules = [host.module]
        options.libraryPaths = [library]
        options.timeout = .seconds(300)
        if let name { options.vars["__tfscript_case"] = name }
        let result = await engine.run(.file(file), options: options)
        await host.close()
        if let outcome = host.outcome { return (host.declared, outcome) }
        if result.exitCode != 0 {
            return (host.declared, TestHost.Outcome(status: "error", message: result.error ?? "exit code \(result.exitCode)"))
        }
        return (host.declared, name == nil ? nil : TestHost.Outcome(status: "error", message: "no case named \(name!) ran"))
    }

    /// A folder holding `tfscript/test.lua`, for `require "tfscript.test"`.
    static func libraryFolder() -> String {
        let folder = NSTemporaryDirectory() + "tfscript-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder + "/tfscript", withIntermediateDirectories: true)
        try? Data(TestLibrary.source.utf8).write(to: URL(fileURLWithPath: folder + "/tfscript/test.lua"))
        return folder
    }
}
