import ArgumentParser
import TestSupport
import Foundation
import Testing
import TFScriptJSON
@testable import tfscript

/// Profiles in `$XDG_CONFIG_HOME/tfscript/config.toml`, `TFSCRIPT_PROFILE`, `TFSCRIPT_BASE_URL`
/// and `tfscript config show`, each with a temporary configuration folder.
@Suite
struct ProfileTests {
    /// A temporary XDG_CONFIG_HOME holding `config.toml` and a token file for the simulator.
    struct ConfigHome {
        let folder: URL
        init(config: String, token: String? = nil) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-xdg-\(UUID().uuidString)")
            let tfscript = folder.appendingPathComponent("tfscript")
            try FileManager.default.createDirectory(at: tfscript, withIntermediateDirectories: true)
            try Data(config.utf8).write(to: tfscript.appendingPathComponent("config.toml"))
            if let token {
                let tokenFile = tfscript.appendingPathComponent("sim-token")
                try Data((token + "\n").utf8).write(to: tokenFile)
                chmod(tokenFile.path, 0o600)
            }
        }
        var configPath: String { folder.path + "/tfscript/config.toml" }
        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            TFScriptProcess.baseEnvironment.merging(["XDG_CONFIG_HOME": folder.path]) { _, new in new }.merging(extra) { _, new in new }
        }
    }

    static func run(_ arguments: [String], _ home: ConfigHome, _ extra: [String: String] = [:]) async throws -> TFScriptProcess.Result {
        try await TFScriptProcess.run(arguments, environment: home.environment(extra))
    }

    /// What `config show` printed and its exit status.
    struct Shown {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// What `tfscript config show ARGS` prints, in-process: `config show` is a pure function of
    /// its flags, the environment and the configuration file (``ConfigCommand/Show/report(environment:)``).
    /// A failure is what the command writes in text mode: `tfscript: MESSAGE` and its exit code.
    static func show(_ arguments: [String], _ home: ConfigHome?, _ extra: [String: String] = [:]) throws -> Shown {
        let environment = home?.environment(extra) ?? TFScriptProcess.baseEnvironment.merging(extra) { _, new in new }
        let command = try ConfigCommand.Show.parse(arguments)
        do {
            let stdout = try command.report(environment: environment)
            return Shown(status: command.exitCode(environment: environment), stdout: stdout, stderr: "")
        } catch let failure as CommandFailure {
            return Shown(status: failure.exitCode, stdout: "", stderr: "tfscript: \(failure.message)\n")
        }
    }

    @Test("config profiles lists every profile with its base URL, token file and protections, * on the one in effect")
    func profilesList() throws {
        let home = try ConfigHome(config: """
            [profile.default]
            base_url = "https://default.example.com"

            [profile.prod]
            base_url = "https://prod.example.com"
            token_file = "sim-token"
            protect = ["prod-*"]
            """, token: "tk-x-0123456789")
        let listed = try ConfigCommand.Profiles.report(environment: home.environment())
        let lines = listed.split(separator: "\n").map(String.init)
        #expect(lines.first == "profiles in \(home.configPath):")
        #expect(lines[1].hasPrefix("  profile  base_url"))
        #expect(lines[2].hasPrefix("* default  https://default.example.com  -"))
        #expect(lines[3].hasPrefix("  prod     https://prod.example.com     \(home.folder.path)/tfscript/sim-token  \"prod-*\""))
        let prod = try ConfigCommand.Profiles.report(environment: home.environment(["TFSCRIPT_PROFILE": "prod"]))
        #expect(prod.contains("\n* prod "))
        let empty = try ConfigCommand.Profiles.report(environment: TFScriptProcess.baseEnvironment.merging(["XDG_CONFIG_HOME": "/nonexistent"]) { _, new in new })
        #expect(empty.hasPrefix("no profiles: /nonexistent/tfscript/config.toml does not exist"))
    }

    @Test("a 401 names the source of the token that was refused")
    func unauthorizedNamesSource() async throws {
        let server = try FaultServer { _, _ in .json(401, ["error": ["code": "unauthenticated", "message": "invalid token"]]) }
        defer { server.stop() }
        let home = try ConfigHome(config: """
            [profile.default]
            token_file = "sim-token"
            """, token: "tk-refused-0123456789")
        let fromFile = try await Self.run(["endpoints", "list", "--base-url", server.baseURL], home)
        #expect(fromFile.status == 4)
        #expect(fromFile.stderr.contains("The token from token_file \(home.folder.path)/tfscript/sim-token (profile default in \(home.configPath)) was refused"), "\(fromFile.stderr)")
        let fromEnvironment = try await TFScriptProcess.run(
            ["run", "--base-url", server.baseURL, "-e", "tf.endpoints.list()"], environment: FaultRig.environment())
        #expect(fromEnvironment.stderr.contains("The token from $TOKEN_FACTORY_API_KEY was refused"), "\(fromEnvironment.stderr)")
        #expect(!fromEnvironment.stderr.contains(FaultRig.token))
    }

    static let listing = try! TFScriptProcess.writeTemporaryFile(named: "count.lua", contents: "print(#tf.endpoints.list())")

    @Test("--profile, $TFSCRIPT_PROFILE and [profile.default] give base_url and token_file (relative to the file)")
    func profileUsed() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let home = try ConfigHome(config: """
            [profile.default]
            base_url = "\(api.baseURL)"
            token_file = "sim-token"

            [profile.sim]
            base_url = "\(api.baseURL)"
            token_file = "sim-token"

            [profile.broken]
            base_url = "http://127.0.0.1:1"
            token_file = "sim-token"
            """, token: api.token)
        let named = try await Self.run(["run", "--profile", "sim", Self.listing.path], home)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout == "12\n")
        let fromVariable = try await Self.run(["run", Self.listing.path], home, ["TFSCRIPT_PROFILE": "sim"])
        #expect(fromVariable.stdout == "12\n", "\(fromVariable.stderr)")
        let byDefault = try await Self.run(["run", Self.listing.path], home)
        #expect(byDefault.stdout == "12\n", "\(byDefault.stderr)")
        // The environment outranks the profile: TFSCRIPT_BASE_URL rescues the broken profile.
        let overridden = try await Self.run(["run", "--profile", "broken", Self.listing.path], home, ["TFSCRIPT_BASE_URL": api.baseURL])
        #expect(overridden.stdout == "12\n", "\(overridden.stderr)")
        let broken = try await Self.run(["run", "--profile", "broken", Self.listing.path], home)
        #expect(broken.status == 4)
        #expect(broken.stderr.contains("127.0.0.1:1"))
    }

    @Test("a token in the environment outranks the profile's token_file, with a warning naming where it is sent")
    func environmentTokenOutranksProfileWarns() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let home = try ConfigHome(config: """
            [profile.sim]
            base_url = "\(api.baseURL)"
            token_file = "sim-token"
            """, token: api.token)
        let result = try await Self.run(["run", "--profile", "sim", Self.listing.path], home, ["TOKEN_FACTORY_API_KEY": api.token])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "12\n")
        #expect(result.stderr.contains("$TOKEN_FACTORY_API_KEY outranks token_file \(home.folder.path)/tfscript/sim-token (profile sim"), "\(result.stderr)")
        #expect(result.stderr.contains("so that token is sent to \(api.baseURL)"), "\(result.stderr)")
        #expect(!result.stderr.contains(api.token))
        let quiet = try await Self.run(["run", "--profile", "sim", Self.listing.path], home)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(!quiet.stderr.contains("outranks"), "\(quiet.stderr)")
    }

    @Test("TFSCRIPT_BASE_URL works without any configuration file")
    func baseURLVariable() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await TFScriptProcess.run(
            ["run", Self.listing.path], environment: api.environment.merging(["TFSCRIPT_BASE_URL": api.baseURL]) { _, new in new })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "12\n")
    }

    @Test("config show prints each setting and where it came from, flag > environment > profile > default, never the token")
    func configShow() async throws {
        let secret = "tk-profile-secret-0123456789"
        let home = try ConfigHome(config: """
            [profile.default]
            base_url = "https://default.example.com"

            [profile.staging]
            base_url = "https://staging.example.com"
            token_file = "sim-token"
            """, token: secret)

        let defaults = try Self.show([], home)
        // No usable token: the settings are printed, and the exit code says so (a pre-flight check).
        #expect(defaults.status == 2, "\(defaults.stderr)")
        #expect(defaults.stdout.contains("config file: \(home.configPath) (found)"))
        #expect(defaults.stdout.contains("profile:     default (from the default profile"))
        #expect(defaults.stdout.contains("base_url:    https://default.example.com (from profile default in \(home.configPath))"))
        #expect(defaults.stdout.contains("token:       not usable: no API token"))

        let staging = try Self.show(["--profile", "staging"], home)
        #expect(staging.stdout.contains("profile:     staging (from --profile)"))
        #expect(staging.stdout.contains("base_url:    https://staging.example.com (from profile staging"))
        #expect(staging.stdout.contains("token:       found, from token_file \(home.folder.path)/tfscript/sim-token"))
        #expect(staging.status == 0)

        let environment = try Self.show([], home, [
            "TFSCRIPT_PROFILE": "staging", "TFSCRIPT_BASE_URL": "https://env.example.com", "TOKEN_FACTORY_API_KEY": secret,
        ])
        #expect(environment.stdout.contains("profile:     staging (from $TFSCRIPT_PROFILE)"))
        #expect(environment.stdout.contains("base_url:    https://env.example.com (from $TFSCRIPT_BASE_URL)"))
        #expect(environment.stdout.contains("token:       found, from $TOKEN_FACTORY_API_KEY (not shown)"))

        let flags = try Self.show(["--base-url", "https://flag.example.com"], home, ["TFSCRIPT_BASE_URL": "https://env.example.com"])
        #expect(flags.stdout.contains("base_url:    https://flag.example.com (from --base-url)"))

        // End to end once: the binary reads the process environment and prints to stdout.
        let none = try await TFScriptProcess.run(["config", "show"])
        #expect(none.status == 2)
        #expect(none.stdout.contains("(not found)"))
        #expect(none.stdout.contains("profile:     none"))
        #expect(none.stdout.contains("base_url:    https://api.tokenfactory.nebius.com (from default)"))

        for output in [defaults, staging, environment, flags] as [Shown] {
            #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
        }
    }

    @Test("an unknown profile, bad TOML and unknown keys are usage errors (exit 2) that say what to fix")
    func configErrors() async throws {
        let profiles = try ConfigHome(config: "[profile.prod]\nbase_url = \"https://x.example.com\"\n[profile.dev]\n")
        let unknown = try await Self.run(["run", "--profile", "nope", Self.listing.path], profiles)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown profile 'nope' (from --profile): \(profiles.configPath) has only: dev, prod"), "\(unknown.stderr)")
        let unknownFromVariable = try Self.show([], profiles, ["TFSCRIPT_PROFILE": "nope"])
        #expect(unknownFromVariable.status == 2)
        #expect(unknownFromVariable.stderr.contains("(from $TFSCRIPT_PROFILE)"))

        let badTOML = try ConfigHome(config: "[profile.prod]\nbase_url = \"unterminated\n")
        let parse = try Self.show([], badTOML)
        #expect(parse.status == 2)
        #expect(parse.stderr.contains("\(badTOML.configPath):2:"), "\(parse.stderr)")

        let typo = try ConfigHome(config: "[profile.prod]\nbase-url = \"https://x.example.com\"\n")
        let key = try Self.show(["--profile", "prod"], typo)
        #expect(key.status == 2)
        #expect(key.stderr.contains("unknown key 'base-url' in [profile.prod] (allowed: base_url, token_file, protect)"), "\(key.stderr)")

        let topLevel = try ConfigHome(config: "base_url = \"https://x.example.com\"\n")
        // End to end once: `config show` exits 2 and writes the failure to stderr.
        let top = try await Self.run(["config", "show"], topLevel)
        #expect(top.status == 2)
        #expect(top.stderr.contains("unknown key 'base_url' (the file holds [profile.NAME] tables only)"))

        let wrongType = try ConfigHome(config: "[profile.prod]\nbase_url = 3\n")
        let type = try Self.show(["--profile", "prod"], wrongType)
        #expect(type.status == 2)
        #expect(type.stderr.contains("profile.prod.base_url must be a non-empty string"))

        let missingTokenFile = try ConfigHome(config: "[profile.prod]\ntoken_file = \"missing-token\"\n")
        let token = try await Self.run(["run", "--profile", "prod", Self.listing.path], missingTokenFile)
        #expect(token.status == 2)
        #expect(token.stderr.contains("cannot read token file \(missingTokenFile.folder.path)/tfscript/missing-token"), "\(token.stderr)")
        #expect(token.stderr.contains("Check token_file in profile prod"))
    }
}
