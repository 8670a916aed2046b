import Foundation
import TestSupport
import Testing

/// What the shell completes beyond flags (issue 22, section 5): profile names, and endpoint
/// names for `tfscript endpoints …` from a one-minute cache or a quick list, never holding the
/// shell for more than about a second.
struct CompletionLookupTests {
    /// The request bash makes for the word at `index` of `words` (`---completion` protocol).
    static func complete(_ words: [String], argument: String, environment: [String: String]) async throws -> TFScriptProcess.Result {
        let index = words.count - 1
        let path = words.dropFirst().prefix { !$0.hasPrefix("-") }
        return try await TFScriptProcess.run(
            ["---completion"] + path + ["--", argument, String(index), String(words.last?.count ?? 0)] + words, environment: environment)
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
        let clock = ContinuousClock()
        let start = clock.now
        let nothing = try await Self.complete(
            ["tfscript", "endpoints", "delete", "--base-url", silent.baseURL, ""], argument: "positional@0", environment: environment)
        #expect(nothing.status == 0, "\(nothing.stderr)")
        #expect(nothing.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(start.duration(to: clock.now) < .seconds(5), "a completion must not hold the shell")
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
