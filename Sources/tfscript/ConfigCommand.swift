import ArgumentParser
import Foundation
import TFScriptLuaHost
import TokenFactory

/// `tfscript config show`: which control plane and token a command would use, and why.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective configuration (profiles, base URL, token source).",
        discussion: """
            Profiles live in $XDG_CONFIG_HOME/tfscript/config.toml (default \
            ~/.config/tfscript/config.toml):

              [profile.default]
              base_url = "https://api.tokenfactory.nebius.com"
              token_file = "~/.config/tfscript/token"

              [profile.staging]
              base_url = "https://staging.example.com"
              token_file = "staging-token"    # relative to the file's folder
              protect = ["prod-*"]            # added to --protect on every command

            PRECEDENCE, for each setting: flag > environment > profile > default.
              base URL: --base-url, $TFSCRIPT_BASE_URL, the profile's base_url, the public API.
              token:    --token-file, $TOKEN_FACTORY_API_KEY / $API_TOKEN / $NEBIUS_API_KEY, \
            the profile's token_file.
              profile:  --profile, $TFSCRIPT_PROFILE, [profile.default] when the file has one.
            Unknown keys, bad TOML and unknown profiles are errors (exit 2). See docs/scheduling.md.
            """,
        subcommands: [Show.self, Profiles.self]
    )

    /// `tfscript config show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here, not derived from the type: ArgumentParser derives a name by reflection,
            // which costs every tfscript start a few hundred microseconds (docs/performance.md, P1).
            commandName: "show",
            abstract: "Print the settings run, apply and repl would use, and where each came from (never the token).",
            discussion: "Exits 2 when no usable token is found: a pre-flight check for scheduled jobs.")

        @Option(help: ArgumentHelp("Show this profile's settings.", valueName: "name"))
        var profile: String?

        @Option(name: .customLong("base-url"), help: ArgumentHelp("As on run: wins over the environment and the profile.", valueName: "url"))
        var baseURL: String?

        @Option(name: .customLong("token-file"), help: ArgumentHelp("As on run: wins over the environment and the profile.", valueName: "path"))
        var tokenFile: String?

        /// Prints the settings; exits 2 when the token is not usable, so `config show` is a
        /// pre-flight check (`tfscript config show && tfscript run …`).
        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let text: String
            do { text = try report(environment: environment) } catch let failure as CommandFailure {
                Diagnostics.failure(failure)
                throw ExitCode(failure.exitCode)
            }
            print(text, terminator: "")
            let status = exitCode(environment: environment)
            if status != 0 { throw ExitCode(status) }
        }

        /// 0 when the settings give a usable token, else 2 (as a run without one would).
        func exitCode(environment: [String: String]) -> Int32 {
            guard let settings = try? ConnectionSettings.resolve(
                profileFlag: profile, baseURLFlag: baseURL, tokenFileFlag: tokenFile, environment: environment) else { return 2 }
            return (try? settings.credentials(environment: environment)) == nil ? 2 : 0
        }

        /// What `config show` prints for these flags and `environment`; apart from ``run()`` so
        /// the precedence is tested in-process, with an environment the test makes.
        ///
        /// - Throws: ``CommandFailure`` (exit 2) for a bad configuration file or an unknown profile.
        func report(environment: [String: String]) throws -> String {
            let settings = try ConnectionSettings.resolve(profileFlag: profile, baseURLFlag: baseURL, tokenFileFlag: tokenFile, environment: environment)
            return Self.render(settings, environment: environment)
        }

        /// The report: one `name: value (source)` line per setting.
        static func render(_ settings: ConnectionSettings, environment: [String: String]) -> String {
            var lines: [String] = []
            lines.append("config file: \(settings.configPath) (\(settings.configFound ? "found" : "not found"))")
            lines.append("profile:     " + (settings.profile.map { "\($0.value) (from \($0.source))" } ?? "none"))
            lines.append("base_url:    \(settings.baseURL.value) (from \(settings.baseURL.source))")
            lines.append("token_file:  " + (settings.tokenFile.map { "\($0.value) (from \($0.source))" } ?? "none"))
            if !settings.protect.isEmpty {
                let globs = settings.protect.map { DisplayText.quoted($0) }.joined(separator: ", ")
                lines.append("protect:     \(globs) (from profile \(settings.profile?.value ?? ""), added to --protect)")
            }
            let token: String
            do {
                let credentials = try settings.credentials(environment: environment)
                token = "found, from \(credentials.source) (not shown)"
                    + credentials.warnings.map { "\n             warning: \($0)" }.joined()
            } catch {
                token = "not usable: \(error.message)"
            }
            lines.append("token:       \(token)")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

extension ConfigCommand {
    /// `tfscript config profiles`: the profiles of the configuration file, the one in effect
    /// marked, like `aws configure list-profiles` and `kubectl config get-contexts`.
    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profiles",
            abstract: "List the profiles of the configuration file; * marks the one commands would use.")

        func run() async throws {
            do {
                print(try Self.report(environment: ProcessInfo.processInfo.environment), terminator: "")
            } catch let failure as CommandFailure {
                Diagnostics.failure(failure)
                throw ExitCode(failure.exitCode)
            }
        }

        /// One line per profile: `* name  base_url  token_file  protect`; in-process for tests.
        static func report(environment: [String: String]) throws -> String {
            let path = ProfileFile.defaultPath(environment: environment)
            guard let file = try ProfileFile.load(path: path, environment: environment), !file.profiles.isEmpty else {
                return "no profiles: \(path) \(FileManager.default.fileExists(atPath: path) ? "has none" : "does not exist") (tfscript config --help shows the format)\n"
            }
            let chosen = environment[ConnectionSettings.profileVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
            var rows: [[String]] = [[" ", "profile", "base_url", "token_file", "protect"]]
            for name in file.profiles.keys.sorted() {
                let profile = file.profiles[name]!
                rows.append([
                    name == chosen ? "*" : " ", DisplayText.escapingControlCharacters(name),
                    profile.baseURL.map { DisplayText.escapingControlCharacters(TokenFactoryClient.Configuration.redactingCredentials(in: $0)) } ?? "-",
                    profile.tokenFile.map { DisplayText.escapingControlCharacters($0) } ?? "-",
                    profile.protect.isEmpty ? "-" : profile.protect.map { DisplayText.quoted($0) }.joined(separator: ","),
                ])
            }
            let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
            let lines = rows.map { row in
                var line = row[0] + " " + row.enumerated().dropFirst()
                    .map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                while line.last == " " { line.removeLast() }
                return line
            }
            return "profiles in \(path):\n" + lines.joined(separator: "\n") + "\n"
        }
    }
}
