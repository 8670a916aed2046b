internal import Foundation

/// The API token and where it was found.
///
/// `description` names the source, never the token, so a `Credentials` can be printed or logged.
public struct Credentials: Sendable, CustomStringConvertible {
    /// The bearer token. Do not print it.
    public let token: String
    /// Where the token came from: `"--token-file /path"` or `"$TOKEN_FACTORY_API_KEY"`.
    public let source: String
    /// Problems worth telling the user that do not stop the run, such as a token file other
    /// users can read (as ssh warns about private keys). The library never prints them; the
    /// CLI shows them on stderr.
    public let warnings: [String]

    /// How the error of ``resolve(tokenFile:environment:)`` starts when no token is set at all
    /// (as opposed to one that is set but unusable), for callers that treat the two apart.
    public static let missingTokenMessagePrefix = "no API token"

    /// Environment variables consulted, highest precedence first.
    public static let environmentVariables = ["TOKEN_FACTORY_API_KEY", "API_TOKEN", "NEBIUS_API_KEY"]

    public init(token: String, source: String, warnings: [String] = []) {
        self.token = token
        self.source = source
        self.warnings = warnings
    }

    public var description: String { "API token from \(source)" }

    /// Finds the token: `tokenFile` (the `--token-file` flag) first, then the first non-empty of
    /// `TOKEN_FACTORY_API_KEY`, `API_TOKEN`, `NEBIUS_API_KEY` in `environment`.
    ///
    /// An explicit file wins over the environment because it is the more deliberate choice. The
    /// file's surrounding whitespace and newline are trimmed.
    ///
    /// - Throws: a ``TokenFactoryError/Kind/configuration`` error when the file cannot be read or
    ///   is empty, or when no token is found anywhere.
    public static func resolve(tokenFile: String?, environment: [String: String]) throws(TokenFactoryError) -> Credentials {
        if let tokenFile {
            let bytes = try readTokenFile(tokenFile)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TokenFactoryError(kind: .configuration, message: "token file \(tokenFile) is not UTF-8 text; it must hold only the API token")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw TokenFactoryError(kind: .configuration, message: "token file \(tokenFile) is empty. Put the API token in it, or drop --token-file to use TOKEN_FACTORY_API_KEY")
            }
            guard !token.contains(where: \.isNewline) else {
                throw TokenFactoryError(kind: .configuration, message: "token file \(tokenFile) has more than one line; it must hold only the API token")
            }
            try validate(token: token, source: "token file \(tokenFile)")
            return Credentials(token: token, source: "--token-file \(tokenFile)", warnings: permissionWarnings(tokenFile))
        }
        for name in environmentVariables {
            let token = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !token.isEmpty {
                try validate(token: token, source: "$\(name)")
                return Credentials(token: token, source: "$\(name)")
            }
        }
        throw TokenFactoryError(kind: .configuration, message: "\(missingTokenMessagePrefix): pass --token-file FILE or set TOKEN_FACTORY_API_KEY (also read: API_TOKEN, NEBIUS_API_KEY)")
    }

    /// A warning when `path` can be read by its group or by others (mode bits 0o077 set).
    static func permissionWarnings(_ path: String) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return [] }
        let octal = String(mode, radix: 8)
        return ["token file \(path) is readable by \(mode & 0o007 != 0 ? "every user on this machine" : "its group") (mode 0\(octal)); "
                + "anyone who can read it can use your API token. Run: chmod 600 \(path)"]
    }

    /// The most a token file may hold: tokens are a few hundred bytes, and reading a file
    /// whole (a log given by mistake, `/dev/zero`) must not exhaust memory.
    public static let maxTokenFileBytes = 64 << 10

    /// Reads at most ``maxTokenFileBytes`` + 1 bytes of `path` as a stream, so a pipe or a
    /// process substitution (`--token-file <(pass show tf)`, `/dev/fd/N`) works like a file.
    static func readTokenFile(_ path: String) throws(TokenFactoryError) -> [UInt8] {
        do {
            return try BoundedFile.read(path, limit: maxTokenFileBytes)
        } catch {
            let why = if case .tooLarge = error { "\(error); a token file holds only the API token" } else { "\(error)" }
            throw TokenFactoryError(kind: .configuration, message: "cannot read token file \(path): \(why). Check the path passed to --token-file")
        }
    }

    /// Refuses a token that could not travel in an `Authorization` header as given: control
    /// characters (an escaped form of it would then reach error messages, where the redactor
    /// no longer recognises it), whitespace inside it, or nothing at all. The message names
    /// `source` and the offending character's position, never the token.
    public static func validate(token: String, source: String) throws(TokenFactoryError) {
        guard !token.isEmpty else {
            throw TokenFactoryError(kind: .configuration, message: "the API token from \(source) is empty")
        }
        for (offset, scalar) in token.unicodeScalars.enumerated() {
            let what: String
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                what = "a control character (U+\(String(format: "%04X", scalar.value)))"
            } else if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format {
                what = "whitespace or an invisible character (U+\(String(format: "%04X", scalar.value)))"
            } else {
                continue
            }
            throw TokenFactoryError(
                kind: .configuration,
                message: "the API token from \(source) contains \(what) at character \(offset + 1); nothing was sent. "
                    + "Copy the token again (tokens hold no spaces or control characters)")
        }
    }
}
