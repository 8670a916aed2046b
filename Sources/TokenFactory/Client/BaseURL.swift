internal import Foundation

/// A checked control-plane base URL.
///
/// Parsed by hand (scheme, host, optional port and path prefix) so the loopback rule cannot be
/// fooled by userinfo (`http://127.0.0.1@evil.example`) or odd spellings.
struct BaseURL: Sendable {
    /// `scheme://host[:port][/prefix]` without a trailing slash.
    let string: String
    let host: String
    /// The port connected to: the URL's own, or 443/80 for its scheme.
    let port: Int

    init(_ text: String) throws(TokenFactoryError) {
        var rest = text.trimmingCharacters(in: .whitespaces)
        while rest.hasSuffix("/") { rest.removeLast() }
        let lower = rest.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            throw Self.error("base URL \(text) must start with https:// (or http:// for a loopback simulator)")
        }
        let afterScheme = rest.dropFirst(scheme.count + 3)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let remainder = afterScheme.dropFirst(authority.count)
        if remainder.contains("?") || remainder.contains("#") {
            throw Self.error("base URL \(text) must not have a query or fragment")
        }
        if authority.contains("@") {
            throw Self.error("base URL \(text) must not contain credentials; pass the token with --token-file or TOKEN_FACTORY_API_KEY")
        }
        var host = String(authority)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw Self.error("base URL \(text) has an unclosed IPv6 address") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = String(host[..<colon])
        }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw Self.error("base URL \(text) has an invalid port \"\(portText)\" (expected 1-65535)")
            }
            port = number
        }
        guard !host.isEmpty else { throw Self.error("base URL \(text) has no host") }
        if scheme == "http" && !Self.isLoopback(host) {
            throw Self.error("refusing plain http:// to \(host): the API token would travel unencrypted. Use https://, or http:// only with a loopback host (127.0.0.1, ::1, localhost)")
        }
        self.string = rest
        self.host = host.lowercased()
        self.port = port
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    private static func error(_ message: String) -> TokenFactoryError {
        TokenFactoryError(kind: .configuration, message: message)
    }
}
