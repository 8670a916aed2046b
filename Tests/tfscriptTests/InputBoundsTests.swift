import ArgumentParser
import Foundation
import Testing
import TestSupport
import TokenFactorySimulator
@testable import tfscript

/// Inputs that used to exhaust memory, crash or take minutes: every one is bounded and
/// refused with a usage error naming the bound.
@Suite
struct InputBoundsTests {
    static func script(_ source: String = "print('ran')") throws -> String {
        try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: source).path
    }

    @Test("a script file larger than the source cap (/dev/zero, a huge file) is refused after reading at most the cap")
    func endlessScriptFile() async throws {
        // /dev/zero never ends: an answer at all proves the read stopped at the cap (a time
        // bound here only measured how loaded the machine was).
        let zero = try await TFScriptProcess.run(["run", "/dev/zero"])
        #expect(zero.status == 2, "\(zero.stderr)")
        #expect(zero.stderr.contains("script '/dev/zero' is larger than 1 MiB"), "\(zero.stderr)")

        let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).lua").path
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, (1 << 20) + 1) == 0)
        let file = try await TFScriptProcess.run(["run", big])
        #expect(file.status == 2, "\(file.stderr)")
        #expect(file.stderr.contains("is larger than 1 MiB"), "\(file.stderr)")
    }

    @Test("a script read from a pipe (process substitution) still runs")
    func scriptFromPipe() async throws {
        let result = try await TFScriptProcess.run(
            ["-c", #"exec "$0" run <(printf 'print(1 + 1)')"#, TFScriptProcess.binaryURL.path],
            executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "2\n")
    }

    @Test("a token file larger than 64 KiB (/dev/zero, a 1 MiB file) is refused without reading it whole")
    func hugeTokenFile() async throws {
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try Data(repeating: UInt8(ascii: "a"), count: 1 << 20).write(to: URL(fileURLWithPath: big))
        chmod(big, 0o600)
        for path in [big, "/dev/zero"] {
            let result = try await TFScriptProcess.run(["run", "--token-file", path, try Self.script()])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("cannot read token file \(path): it is larger than 64 KiB"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("every other file a user names is read with a cap: /dev/zero as a plan, a fleet, a CA file, a profile file, a resumed journal")
    func endlessFiles() async throws {
        let script = try Self.script()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-zero-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tfscript"), withIntermediateDirectories: true)
        symlink("/dev/zero", folder.appendingPathComponent("tfscript/config.toml").path)
        let plan = folder.appendingPathComponent("plan.json").path
        try Data(#"{"format_version":1,"base_url":"http://127.0.0.1:9","operations":[{"index":1,"kind":"delete","target":"ep-1","before":{"endpoint_id":"ep-1","name":"x"}}]}"#.utf8).write(to: URL(fileURLWithPath: plan))
        // In-process: the readers of a plan, a fleet and a profile file are pure functions of the file.
        #expect {
            _ = try PlanFile.read("/dev/zero")
        } throws: { error in
            (error as? CommandFailure)?.exitCode == 2 && "\(error)".contains("cannot read plan /dev/zero: it is larger than 256 MiB")
        }
        #expect {
            _ = try Fleet.load(path: "/dev/zero")
        } throws: { error in
            "\(error)".contains("cannot read fleet file /dev/zero: it is larger than 64 MiB")
        }
        #expect {
            _ = try ConfigCommand.Show.parse([]).report(environment: TFScriptProcess.baseEnvironment.merging(["XDG_CONFIG_HOME": folder.path]) { _, new in new })
        } throws: { error in
            (error as? CommandFailure)?.exitCode == 2 && "\(error)".contains("it is larger than 1 MiB")
        }
        // Through the binary: the CA file is read by the engine's client, the journal when apply resumes.
        let cases: [([String], [String: String], String)] = [
            (["run", "--ca-file", "/dev/zero", "--base-url", "https://127.0.0.1:9", script], FaultRig.environment(), "cannot read the CA file /dev/zero: it is larger than 16 MiB"),
            (["apply", "--yes", "--journal", "/dev/zero", "--base-url", "http://127.0.0.1:9", plan], FaultRig.environment(), "cannot read journal /dev/zero to resume the plan: it is not a regular file"),
        ]
        for (arguments, environment, expected) in cases {
            let result = try await TFScriptProcess.run(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
    }

    @Test("durations past a year (--timeout, --lock-wait, --request-timeout) are usage errors, not crashes",
          arguments: ["--timeout", "--lock-wait", "--request-timeout"])
    func hugeDuration(_ flag: String) async throws {
        for value in ["2100000h", "9223372036854775807ms", "8761h"] {
            // Refused while parsing: nothing runs, so nothing reaches stdout.
            let result = try #require(ParsedCommandLine.earlyExit(["run", flag, value, "s.lua"]))
            #expect(result.status == 2, "\(flag) \(value): \(result.message)")
            #expect(result.message.contains(flag), "\(result.message)")
        }
        if flag != "--lock-wait" {
            let year = try await TFScriptProcess.run(["run", "--simulator", flag, "8760h", try Self.script()])
            #expect(year.status == 0, "\(year.stderr)")
        }
    }

    @Test("--memory-limit below the documented 1 MiB minimum is a usage error naming the minimum")
    func tinyMemoryLimit() async throws {
        for value in ["1", "1K", "1023K"] {
            let result = try #require(ParsedCommandLine.earlyExit(["run", "--memory-limit", value, "s.lua"]))
            #expect(result.status == 2, "\(value): \(result.message)")
            #expect(result.message.contains("--memory-limit must be at least 1 MiB"), "\(result.message)")
            #expect(!result.message.contains("internal error"))
        }
        let minimum = try await TFScriptProcess.run(["run", "--simulator", "--memory-limit", "1M", try Self.script("print(#tf.endpoints.list())")])
        #expect(minimum.status == 0, "\(minimum.stderr)")
    }

    @Test("100,000 script arguments reach the script untouched, quickly")
    func manyArguments() async throws {
        let count = 100_000
        var arguments = (1...count).map { "a\($0)" }
        // After `--`, tfscript's options (and a second `--`) are the script's, untouched.
        arguments[10] = "--timeout"
        arguments[11] = "--"
        arguments[12] = "-e"
        arguments[count - 1] = "--var=x"
        let source = """
            local n = select('#', ...)
            print(n, arg[11], arg[12], arg[13], arg[\(count)], arg[\(count - 1)])
            """
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await TFScriptProcess.run(["run", try Self.script(source), "--"] + arguments)
        let elapsed = clock.now - start
        #expect(result.status == 0, "\(result.stderr.prefix(500))")
        #expect(result.stdout == "\(count)\t--timeout\t--\t-e\t--var=x\ta\(count - 1)\n")
        #expect(result.stderr.isEmpty, "\(result.stderr.prefix(500))")
        // Quadratic parsing took 6 minutes; linear takes 0.6 s in a debug build on an idle
        // machine. The bound is loose because other tests share the CPU, and still 6x tighter
        // than the quadratic cost.
        #expect(elapsed < .seconds(60), "took \(elapsed)")
    }

    @Test("-e CHUNK takes the rest as its arguments (tfscript's options after a --); -- before the script is accepted")
    func chunkAndTerminator() async throws {
        let chunk = try await TFScriptProcess.run(["run", "-e", "print(select('#', ...), ...)", "x", "--", "--seed", "1", "--"])
        #expect(chunk.status == 0, "\(chunk.stderr)")
        #expect(chunk.stdout == "4\tx\t--seed\t1\t--\n")
        let terminated = try await TFScriptProcess.run(["run", "--seed", "3", "--", try Self.script("print(...)"), "--", "y"])
        #expect(terminated.status == 0, "\(terminated.stderr)")
        #expect(terminated.stdout == "--\ty\n")
    }
}
