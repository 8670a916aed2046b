import Foundation
import TestSupport
import Testing

/// What the shell completes beyond flags (issue 22, section 5): profile names, and endpoint
/// names for `tfscript endpoints …` from a one-minute cache or a quick list, never holding the
/// shell for more than about a second.
struct CompletionLookupTests {
    /// The request bash makes for the word at `index` of `words` (`---completion` protocol).
    static func complete(
        _ words: [String], argument: String, environment: [String: String], onStart: (@Sendable (Int32) -> Void)? = nil
    ) async throws -> TFScriptProcess.Result {
        let index = words.count - 1
        let path = words.dropFirst().prefix { !$0.hasPrefix("-") }
        return try await TFScriptProcess.run(
            ["---completion"] + path + ["--", argument, String(index), String(words.last?.count ?? 0)] + words,
            environment: environment, onStart: onStart)
    }

    @Test("endpoint names complete from the API, then from the cache (the server gone); a silent server yields nothing, fast")
    func endpointNames() async throws {
        let cache = FaultRig.temporaryPath("cache")
        let api = try await SimulatedAPI.start()
        var environment = api.environment
        environment["XDG_CACHE_HOME"] = cache
        let words = ["tfscript", "endpoints", "get", "--base-url", api.baseURL, "test-"]
        let first = try await Self.complete(words, argument: "positional@0", environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n") == ["test-llama-eval", "test-qwen-ci", "test-scratch", "test-us-batch", "test-us-load"])
        await api.stop()
        let cached = try await Self.complete(words, argument: "positional@0", environment: environment)
        #expect(cached.stdout == first.stdout)

        let silent = try FaultServer { _, _ in .stall }
        defer { silent.stop() }
        // Timed from the process's start (not the wait for a process slot). The lookup gives up
        // at 1.2 s; without that deadline it would wait for the 60 s request timeout, so a bound
        // far below 60 s proves the deadline even on a loaded machine.
        let clock = ContinuousClock()
        let started = Recorder<ContinuousClock.Instant>()
        let nothing = try await Self.complete(
            ["tfscript", "endpoints", "delete", "--base-url", silent.baseURL, ""], argument: "positional@0", environment: environment,
            onStart: { _ in started.append(clock.now) })
        #expect(nothing.status == 0, "\(nothing.stderr)")
        #expect(nothing.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        let elapsed = clock.now - (try #require(started.all.first))
        #expect(elapsed < .seconds(20), "a completion must not hold the shell: took \(elapsed)")
        #expect(silent.log.count == 1, "it did ask the server")
    }

    @Test("--profile completes the configuration file's profile names")
    func profileNames() async throws {
        let home = FaultRig.temporaryPath("xdg")
        try FileManager.default.createDirectory(atPath: home + "/tfscript", withIntermediateDirectories: true)
        try Data("[profile.default]\n[profile.prod]\n[profile.staging]\n".utf8).write(to: URL(fileURLWithPath: home + "/tfscript/config.toml"))
        let result = try await Self.complete(
            ["tfscript", "endpoints", "list", "--profile", "pr"], argument: "--profile",
            environment: TFScriptProcess.baseEnvironment.merging(["XDG_CONFIG_HOME": home]) { _, new in new })
        #expect(result.stdout.split(separator: "\n") == ["prod"], "\(result.stderr)")
    }
}
