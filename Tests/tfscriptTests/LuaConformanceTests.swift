import TestSupport
import Foundation
import Testing
import TFScript

/// Ordinary Lua gives the same output under tfscript as under stock `lua5.4` (issue 9, "Lua
/// that behaves like Lua"), and the calls a count hook cannot interrupt end at the limit
/// (class 9). The scripts are the project's own (Tests/*/Fixtures); `lua5.4` is installed by
/// scripts/setup.
///
/// The output comparison runs each script in-process, on the engine `tfscript run` uses, with
/// the same limits; the attacks run the binary, since what they prove is that the process ends
/// by itself well before its watchdog would end it.
struct LuaConformanceTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let boundedFolder = repository.appendingPathComponent("Tests/LuaHostTests/Fixtures/bounded")
    static let stockLua = URL(fileURLWithPath: "/usr/bin/lua5.4")

    static let scripts: [(folder: URL, name: String)] = [
        (repository.appendingPathComponent("Tests/tfscriptTests/Fixtures"), "conformance.lua"),
    ] + ["patterns.lua", "fuzz_patterns.lua", "rep.lua", "sort.lua", "sort_invalid.lua", "tables.lua", "tables_fuzz.lua"]
        .map { (boundedFolder, $0) }

    @Test("stdout equals stock lua5.4's", arguments: scripts.map(\.name))
    func sameOutput(_ name: String) async throws {
        let folder = try #require(Self.scripts.first { $0.name == name }).folder
        #expect(FileManager.default.isExecutableFile(atPath: Self.stockLua.path), "install lua5.4 (scripts/setup does)")
        let stock = try await TFScriptProcess.run([name], environment: [:], currentDirectory: folder, executable: Self.stockLua)
        let engine = try await ScriptEngine(controlPlane: .unconfigured(TokenFactoryError(kind: .configuration, message: "no API in these tests")))
        var options = ScriptOptions()
        options.memoryLimit = 64 << 20
        options.timeout = .seconds(60)
        options.arguments = [name]
        // Named as `tfscript run NAME` from the script's folder names it (error messages carry
        // the name), and `require` searching that folder as it would.
        options.libraryPaths = [folder.path]
        let source = try Data(contentsOf: folder.appendingPathComponent(name))
        let ours = await engine.run(.bytes(Array(source), name: name), options: options)
        try await engine.shutdown()
        #expect(stock.status == 0, "\(stock.stderr)")
        #expect(ours.exitCode == 0, "\(ours.error ?? "")")
        #expect(ours.output == stock.stdout, "first difference near: \(Self.firstDifference(ours.output, stock.stdout))")
    }


    static func firstDifference(_ a: String, _ b: String) -> String {
        let left = a.split(separator: "\n", omittingEmptySubsequences: false)
        let right = b.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, (x, y)) in zip(left, right).enumerated() where x != y {
            return "line \(index + 1): tfscript \(x.prefix(200)) | lua5.4 \(y.prefix(200))"
        }
        return "lengths \(left.count) vs \(right.count)"
    }
}

/// Calls a count hook cannot interrupt (a long `string.rep`, a pattern match, a sort) end at
/// the run's timeout, through the binary, well before the CLI's watchdog would end the process.
@Suite(.serialized)
struct LuaLongCallTests {
    static let boundedFolder = LuaConformanceTests.boundedFolder
    static let attacks = (try? FileManager.default.contentsOfDirectory(atPath: boundedFolder.appendingPathComponent("attacks").path))?
        .filter { $0.hasSuffix(".lua") }.sorted() ?? []

    @Test("a long C call ends at the timeout (stock lua5.4 never returns)", arguments: attacks)
    func attackEndsAtTimeout(_ name: String) async throws {
        let folder = Self.boundedFolder.appendingPathComponent("attacks")
        // The watchdog (the CLI's last resort) waits long enough here that a call the sandbox
        // failed to stop shows as the watchdog's message and a run of 10 s, not as a pass.
        let environment = TFScriptProcess.baseEnvironment.merging(["TFSCRIPT_WATCHDOG_GRACE_MS": "10000"]) { _, new in new }
        // A Lua loop that the instruction hook stops at the timeout, run just before in the
        // same conditions: under a loaded machine both take longer to start and end, so the
        // attack is held to the control's time, not to a fixed one (a debug binary has taken
        // 16 s to start and end on an overloaded CI machine).
        let control = try await Self.timedRun(["run", "--timeout", "300ms", "-e", "while true do end"], environment: environment, folder: folder)
        #expect(control.result.status == 3, "\(control.result.stderr)")
        let (result, elapsed) = try await Self.timedRun(["run", "--timeout", "300ms", name], environment: environment, folder: folder)
        #expect(!result.stdout.contains("NOT STOPPED"))
        #expect(!result.stderr.contains("ended by the watchdog"), "\(result.stderr)")
        if name.hasPrefix("rep_empty") {
            #expect(result.status == 0, "\(result.stderr)") // nothing to repeat: done at once
        } else {
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stderr.contains("timeout"), "\(result.stderr)")
        }
        // Stopped by the sandbox at about the timeout, as promptly as the hook stops a loop.
        #expect(elapsed < control.elapsed + .seconds(1.5), "took \(elapsed); the control loop \(control.elapsed)")
    }

    /// Runs `tfscript ARGUMENTS`, timed from the process's start, not from the call: the wait
    /// for a free process slot (other suites' binaries) is no part of how long the script ran.
    static func timedRun(_ arguments: [String], environment: [String: String], folder: URL) async throws -> (result: TFScriptProcess.Result, elapsed: Duration) {
        let clock = ContinuousClock()
        let started = Recorder<ContinuousClock.Instant>()
        let result = try await TFScriptProcess.run(arguments, environment: environment, currentDirectory: folder, onStart: { _ in started.append(clock.now) })
        return (result, clock.now - (try #require(started.all.first)))
    }

}
