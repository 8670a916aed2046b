import Foundation
import TOMLKit
import TokenFactory

/// `$XDG_CONFIG_HOME/tfscript/config.toml` (default `~/.config/tfscript/config.toml`): named
/// profiles, so `--base-url` and `--token-file` need not be repeated on every command line.
///
/// ```toml
/// [profile.default]
/// base_url = "https://api.tokenfactory.nebius.com"
/// token_file = "~/.config/tfscript/token"
///
/// [profile.staging]
/// base_url = "https://staging.example.com"
/// token_file = "staging-token"        # relative to this file's folder
/// protect = ["prod-*", "ep-critical"] # as --protect: never deleted, disabled or scaled to 0
/// ```
///
/// Strict on purpose: an unknown key or table is an error, not ignored, so a typo
/// (`base-url`) cannot silently send a run to the default API.
struct ProfileFile {
    /// One `[profile.NAME]` table.
    struct Profile: Equatable {
        var baseURL: String?
        /// Absolute: `~/` expanded, relative paths taken from the file's folder.
        var tokenFile: String?
        /// Globs of protected endpoints, added to `--protect`'s (a profile for production
        /// protects it on every command, whoever forgets the flag).
        var protect: [String] = []
    }

    static let keys = ["base_url", "token_file", "protect"]

    let path: String
    let profiles: [String: Profile]

    /// Where the file is: `$XDG_CONFIG_HOME/tfscript/config.toml` when that variable holds an
    /// absolute path (the XDG rule), else `$HOME/.config/tfscript/config.toml`.
    static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return xdg + "/tfscript/config.toml"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/tfscript/config.toml"
    }

    /// Reads the file; nil when it does not exist.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) for an unreadable file, bad TOML (with line and
    ///   column), a key or table tfscript does not know, or a value of the wrong type.
    static func load(path: String, environment: [String: String]) throws -> ProfileFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: [UInt8]
        do { data = try BoundedFile.read(path, limit: BoundedFile.configurationLimit) } catch {
            throw CommandFailure(exitCode: 2, message: "cannot read the configuration file \(path): \(error)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: String(decoding: data, as: UTF8.self))
        } catch let error as TOMLParseError {
            throw CommandFailure(exitCode: 2, message: "\(path):\(error.source.begin.line):\(error.source.begin.column): \(error.description) (the configuration file is TOML; see docs/scheduling.md#profiles)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func fail(_ message: String) -> CommandFailure {
            CommandFailure(exitCode: 2, message: "\(path): \(message)")
        }
        var profiles: [String: Profile] = [:]
        for key in table.keys.sorted() where key != "profile" {
            throw fail("unknown key '\(key)' (the file holds [profile.NAME] tables only)")
        }
        if let section = table["profile"] {
            guard let section = section.table else { throw fail("'profile' must be a table of profiles: [profile.NAME]") }
            for name in section.keys.sorted() {
                guard let entries = section[name]?.table else {
                    throw fail("profile.\(name) must be a table ([profile.\(name)] with base_url and token_file)")
                }
                var profile = Profile()
                for key in entries.keys.sorted() {
                    guard keys.contains(key) else {
                        throw fail("unknown key '\(key)' in [profile.\(name)] (allowed: \(keys.joined(separator: ", ")))")
                    }
                    if key == "protect" {
                        guard let globs = entries[key]?.array?.map({ $0.string ?? "" }), !globs.contains("") else {
                            throw fail("profile.\(name).protect must be an array of non-empty strings (globs: protect = [\"prod-*\"])")
                        }
                        profile.protect = globs
                        continue
                    }
                    guard let value = entries[key]?.string, !value.isEmpty else {
                        throw fail("profile.\(name).\(key) must be a non-empty string")
                    }
                    if key == "base_url" { profile.baseURL = value }
                    if key == "token_file" { profile.tokenFile = absolute(value, folder: folder, environment: environment) }
                }
                profiles[name] = profile
            }
        }
        return ProfileFile(path: path, profiles: profiles)
    }

    private static func absolute(_ path: String, folder: String, environment: [String: String]) -> String {
        if path == "~" || path.hasPrefix("~/") {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            return home + path.dropFirst()
        }
        return path.hasPrefix("/") ? path : folder + "/" + path
    }
}
