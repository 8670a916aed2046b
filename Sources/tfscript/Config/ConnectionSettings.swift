import Foundation
import TokenFactory

/// Where the control plane is and which token file to use, with where each came from, after
/// applying the documented precedence: flag > environment > profile > default.
///
/// The token itself is resolved later (``ConnectionOptions``), because it has more sources
/// (three environment variables) and must never be held longer than needed; this type only
/// carries the profile's `token_file`, which comes after the environment.
struct ConnectionSettings {
    /// A value and where it came from (`--base-url`, `$TFSCRIPT_BASE_URL`, `profile staging`, `default`).
    struct Setting: Equatable {
        var value: String
        var source: String
    }

    static let baseURLVariable = "TFSCRIPT_BASE_URL"
    static let profileVariable = "TFSCRIPT_PROFILE"

    /// The configuration file's path (whether or not it exists) and whether it was found.
    var configPath: String
    var configFound: Bool
    /// The profile in use: named by `--profile` or `$TFSCRIPT_PROFILE`, or `default` when the
    /// file has a `[profile.default]`; nil when none applies.
    var profile: Setting?
    var baseURL: Setting
    /// `--token-file`, or the profile's `token_file` (which the environment's token outranks).
    var tokenFile: Setting?
    /// True when `tokenFile` came from the flag, so it outranks the environment.
    var tokenFileFromFlag: Bool
    /// The profile's `protect` globs, which every command adds to its `--protect` ones.
    var protect: [String] = []

    /// Applies the precedence to the flags, the environment and the configuration file.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) for a bad configuration file, or a named profile
    ///   the file does not have (the message lists those it has).
    static func resolve(
        profileFlag: String?, baseURLFlag: String?, tokenFileFlag: String?, environment: [String: String]
    ) throws -> ConnectionSettings {
        let path = ProfileFile.defaultPath(environment: environment)
        let file = try ProfileFile.load(path: path, environment: environment)

        var profile: Setting?
        if let name = profileFlag {
            profile = Setting(value: name, source: "--profile")
        } else if let name = environment[profileVariable], !name.isEmpty {
            profile = Setting(value: name, source: "$\(profileVariable)")
        } else if file?.profiles["default"] != nil {
            profile = Setting(value: "default", source: "the default profile (no --profile or $\(profileVariable))")
        }
        var entries: ProfileFile.Profile?
        if let profile {
            guard let found = file?.profiles[profile.value] else {
                let known = (file?.profiles.keys.sorted() ?? []).joined(separator: ", ")
                let contents = file == nil ? "there is no configuration file \(path)" : "\(path) has " + (known.isEmpty ? "no profiles" : "only: \(known)")
                throw CommandFailure(
                    exitCode: 2,
                    message: "unknown profile '\(profile.value)' (from \(profile.source)): \(contents). Add a [profile.\(profile.value)] table with base_url and token_file, or pick another profile")
            }
            entries = found
        }
        let fromProfile = profile.map { "profile \($0.value) in \(path)" } ?? ""

        // Shown by `config show`, refusal messages and plans: a password in the URL
        // (`https://ops:secret@host`, always refused) is replaced by *** as it is read.
        let redact = TokenFactoryClient.Configuration.redactingCredentials(in:)
        var baseURL: Setting
        if let flag = baseURLFlag {
            baseURL = Setting(value: flag, source: "--base-url")
        } else if let variable = environment[baseURLVariable], !variable.isEmpty {
            baseURL = Setting(value: variable, source: "$\(baseURLVariable)")
        } else if let value = entries?.baseURL {
            baseURL = Setting(value: value, source: fromProfile)
        } else {
            baseURL = Setting(value: TokenFactoryClient.Configuration.defaultBaseURL, source: "default")
        }
        baseURL.value = redact(baseURL.value)

        var tokenFile: Setting?
        if let flag = tokenFileFlag {
            tokenFile = Setting(value: flag, source: "--token-file")
        } else if let value = entries?.tokenFile {
            tokenFile = Setting(value: value, source: fromProfile)
        }
        return ConnectionSettings(
            configPath: path, configFound: file != nil, profile: profile, baseURL: baseURL,
            tokenFile: tokenFile, tokenFileFromFlag: tokenFileFlag != nil, protect: entries?.protect ?? [])
    }

    /// The token, following the precedence: `--token-file`, then the environment
    /// (`TOKEN_FACTORY_API_KEY`, `API_TOKEN`, `NEBIUS_API_KEY`), then the profile's `token_file`.
    func credentials(environment: [String: String]) throws(TokenFactoryError) -> Credentials {
        if tokenFileFromFlag, let tokenFile {
            return try Credentials.resolve(tokenFile: tokenFile.value, environment: environment)
        }
        do {
            let found = try Credentials.resolve(tokenFile: nil, environment: environment)
            guard let tokenFile else { return found }
            // The environment's token wins, as documented; but a profile that names its own
            // token file was probably chosen for another API, so say where this token goes.
            let warning = "\(found.source) outranks token_file \(tokenFile.value) (\(tokenFile.source)), so that token is sent to "
                + "\(baseURL.value); unset it, or pass --token-file, to use the profile's token"
            return Credentials(token: found.token, source: found.source, warnings: found.warnings + [warning])
        } catch where tokenFile != nil {
            do {
                let found = try Credentials.resolve(tokenFile: tokenFile!.value, environment: [:])
                return Credentials(token: found.token, source: "token_file \(tokenFile!.value) (\(tokenFile!.source))", warnings: found.warnings)
            } catch {
                var error = error
                error.message = error.message.replacingOccurrences(of: "Check the path passed to --token-file", with: "Check token_file in \(tokenFile!.source)")
                    .replacingOccurrences(of: "or drop --token-file to use TOKEN_FACTORY_API_KEY", with: "or fix token_file in \(tokenFile!.source)")
                throw error
            }
        }
    }
}
