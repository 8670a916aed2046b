import ArgumentParser
import Foundation
import TFScriptJSON
import Testing
import TestSupport
@testable import tfscript

/// Secrets that reach tfscript in a shape that would leak them: a token holding a control
/// character (echoed by the HTTP client's header check), a password in a base URL.
@Suite
struct SecretInputTests {
    /// Tokens that cannot travel in a header as given; each holds the marker `SECRET`.
    static let badTokens = ["tk-SECRET\u{1}x", "tk-SECRET\u{7F}", "tk-SECRET x", "tk-SECRET\u{85}y", "tk-SECRET\u{200B}z", "tk-SECRET\u{1B}[31m"]

    static func script() throws -> String {
        try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(pcall(tf.endpoints.list))").path
    }

    @Test("a token with a control character or whitespace, from the environment, is refused before anything is sent and never shown")
    func badTokenFromEnvironment() async throws {
        let server = try FaultServer { _, _ in .json(200, .array([])) }
        defer { server.stop() }
        // In-process for each token: the refusal comes from resolving the settings' credentials.
        for token in Self.badTokens {
            let environment = FaultRig.environment(token: token)
            let settings = try ConnectionSettings.resolve(profileFlag: nil, baseURLFlag: server.baseURL, tokenFileFlag: nil, environment: environment)
            #expect {
                _ = try settings.credentials(environment: environment)
            } throws: { error in
                "\(error)".contains("the API token from $TOKEN_FACTORY_API_KEY contains") && !"\(error)".contains("SECRET")
            }
        }
        // End to end once: exit 2, nothing on either stream shows the token, nothing sent.
        let result = try await TFScriptProcess.run(
            ["run", "--base-url", server.baseURL, try Self.script()], environment: FaultRig.environment(token: Self.badTokens[0]))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("the API token from $TOKEN_FACTORY_API_KEY contains"), "\(result.stderr)")
        #expect(!result.stderr.contains("SECRET") && !result.stdout.contains("SECRET"), "\(result.stderr)")
        #expect(server.log.isEmpty)
    }

    @Test("a token file or a profile's token_file holding a control character is refused and never shown")
    func badTokenFromFile() async throws {
        let server = try FaultServer { _, _ in .json(200, .array([])) }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tfscript"), withIntermediateDirectories: true)
        let tokenFile = folder.appendingPathComponent("token").path
        try Data("tk-SECRET\u{8}abc\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        chmod(tokenFile, 0o600)
        try Data("[profile.p]\nbase_url = \"\(server.baseURL)\"\ntoken_file = \"\(tokenFile)\"\n".utf8)
            .write(to: folder.appendingPathComponent("tfscript/config.toml"))
        let environment = TFScriptProcess.baseEnvironment.merging(["XDG_CONFIG_HOME": folder.path]) { _, new in new }
        let flag = try await TFScriptProcess.run(
            ["run", "--base-url", server.baseURL, "--token-file", tokenFile, try Self.script()], environment: environment)
        let profile = try await TFScriptProcess.run(["run", "--profile", "p", try Self.script()], environment: environment)
        for result in [flag, profile] {
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("contains a control character (U+0008)"), "\(result.stderr)")
            #expect(!result.stderr.contains("SECRET") && !result.stdout.contains("SECRET"), "\(result.stderr)")
        }
        #expect(server.log.isEmpty)
    }

    @Test("a password in the base URL is never printed: config show, the refusal, the profile and the variable")
    func basePasswordRedacted() async throws {
        let url = "https://ops:hunter2SECRET@api.example.com/v0"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tfscript"), withIntermediateDirectories: true)
        try Data("[profile.p]\nbase_url = \"\(url)\"\n".utf8).write(to: folder.appendingPathComponent("tfscript/config.toml"))
        let environment = FaultRig.environment(token: "tk-ok").merging(["XDG_CONFIG_HOME": folder.path]) { _, new in new }
        // config show, in-process: its report is a pure function of the flags, the environment and the file.
        for flags in [["--base-url", url], ["--profile", "p"]] {
            let shown = try ConfigCommand.Show.parse(flags).report(environment: environment)
            #expect(!shown.contains("SECRET") && !shown.contains("hunter2"), "\(flags): \(shown)")
            #expect(shown.contains("https://***@api.example.com"), "\(flags): \(shown)")
        }
        let runs: [[String]] = [
            ["run", "--base-url", url, try Self.script()], ["run", "--profile", "p", try Self.script()],
            ["run", "--base-url", url, "--dry-run", "--plan-out", folder.appendingPathComponent("plan.json").path, try Self.script()],
        ]
        for arguments in runs {
            let result = try await TFScriptProcess.run(arguments, environment: environment)
            #expect(!result.stderr.contains("SECRET") && !result.stdout.contains("SECRET"), "\(arguments): \(result.stdout) \(result.stderr)")
            #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
            #expect((result.stdout + result.stderr).contains("https://***@api.example.com"), "\(arguments): \(result.stdout) \(result.stderr)")
        }
        let variable = try await TFScriptProcess.run(
            ["run", try Self.script()], environment: environment.merging(["TFSCRIPT_BASE_URL": url]) { _, new in new })
        #expect(variable.status == 2, "\(variable.stderr)")
        #expect(!variable.stderr.contains("SECRET"), "\(variable.stderr)")
        let report = try #require(ParsedCommandLine.earlyExit(["run", "--report-url", "ftp://ops:hunter2SECRET@x", "s.lua"]))
        #expect(report.status == 2)
        #expect(!report.message.contains("SECRET") && report.message.contains("ftp://***@x"), "\(report.message)")
    }
}
