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
        subcommands: [Show.self]
    )

    /// `tfscript config show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here, not derived from the type: ArgumentParser derives a name by reflection,
            // which costs every tfscript start a few hundred microseconds (docs/performance.md, P1).
            commandName: "show",
            abstract: "Print the settings run, apply and repl would use, and where each came from (never the token).")

        @Option(help: ArgumentHelp("Show this profile's settings.", valueName: "name"))
        var profile: String?

        @Option(name: .customLong("base-url"), help: ArgumentHelp("As on run: wins over the environment and the profile.", valueName: "url"))
        var baseURL: String?

        @Option(name: .customLong("token-file"), help: ArgumentHelp("As on run: wins over the environment and the profile.", valueName: "path"))
        var tokenFile: String?

        func run() async throws {
            let text: String
            do { text = try report(environment: ProcessInfo.processInfo.environment) } catch let failure as CommandFailure {
                Diagnostics.failure(failure)
                throw ExitCode(failure.exitCode)
            }
            print(text, terminator: "")
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
