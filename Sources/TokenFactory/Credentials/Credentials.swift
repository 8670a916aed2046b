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
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: tokenFile))
            } catch {
                throw TokenFactoryError(kind: .configuration, message: "cannot read token file \(tokenFile): \(Self.reason(error)). Check the path passed to --token-file", cause: error)
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw TokenFactoryError(kind: .configuration, message: "token file \(tokenFile) is empty. Put the API token in it, or drop --token-file to use TOKEN_FACTORY_API_KEY")
            }
            guard !token.contains(where: \.isNewline) else {
                throw TokenFactoryError(kind: .configuration, message: "token file \(tokenFile) has more than one line; it must hold only the API token")
            }
            return Credentials(token: token, source: "--token-file \(tokenFile)", warnings: permissionWarnings(tokenFile))
        }
        for name in environmentVariables {
            let token = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !token.isEmpty { return Credentials(token: token, source: "$\(name)") }
        }
        throw TokenFactoryError(kind: .configuration, message: "no API token: pass --token-file FILE or set TOKEN_FACTORY_API_KEY (also read: API_TOKEN, NEBIUS_API_KEY)")
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

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = Int32(exactly: underlying.code).flatMap(POSIXErrorCode.init(rawValue:)) {
            return String(cString: strerror(code.rawValue))
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return nsError.localizedDescription
        }
    }
}
