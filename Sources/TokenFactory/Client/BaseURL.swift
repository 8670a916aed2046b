internal import Foundation

/// A checked control-plane base URL.
///
/// Parsed by hand (scheme, host, optional port and path prefix) so the loopback rule cannot be
/// fooled by userinfo (`http://127.0.0.1@evil.example`), text after an IPv6 literal
/// (`http://[::1]evil.example`) or odd spellings: the host is an IPv6 literal, an IPv4 address
/// or a DNS name of letters, digits, `-`, `_` and `.`, and nothing else; the port is digits.
/// Every message shows the URL with any userinfo replaced by `***` (``redacted(_:)``).
struct BaseURL: Sendable {
    /// `scheme://host[:port][/prefix]` without a trailing slash.
    let string: String
    let host: String
    /// The port connected to: the URL's own, or 443/80 for its scheme.
    let port: Int

    init(_ text: String) throws(TokenFactoryError) {
        let shown = Self.redacted(text)
        var rest = text.trimmingCharacters(in: .whitespaces)
        while rest.hasSuffix("/") { rest.removeLast() }
        if rest.unicodeScalars.contains(where: { $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw Self.error("base URL \(shown) contains a space or a control character")
        }
        let lower = rest.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            throw Self.error("base URL \(shown) must start with https:// (or http:// for a loopback simulator)")
        }
        let afterScheme = rest.dropFirst(scheme.count + 3)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let remainder = afterScheme.dropFirst(authority.count)
        if remainder.contains("?") || remainder.contains("#") {
            throw Self.error("base URL \(shown) must not have a query or fragment")
        }
        if authority.contains("@") {
            throw Self.error("base URL \(shown) must not contain credentials; pass the token with --token-file or TOKEN_FACTORY_API_KEY")
        }
        var host = String(authority)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw Self.error("base URL \(shown) has an unclosed IPv6 address") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw Self.error("base URL \(shown) has \"\(after)\" after the IPv6 address; only :PORT may follow it")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), Self.parsesAsIPv6(host) else {
                throw Self.error("base URL \(shown) has an invalid IPv6 address [\(host)]")
            }
        } else {
            if let colon = host.lastIndex(of: ":") {
                portText = host[host.index(after: colon)...]
                host = String(host[..<colon])
            }
            let allowed = host.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." || $0 == "_"
            }
            guard allowed, !host.hasPrefix("."), !host.contains("..") else {
                throw Self.error("base URL \(shown) has an invalid host \"\(host)\" (letters, digits, - and . only; write an international name in its xn-- form)")
            }
        }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ ("0"..."9").contains($0) }),
                  let number = Int(portText), (1...65535).contains(number) else {
                throw Self.error("base URL \(shown) has an invalid port \"\(portText)\" (expected 1-65535)")
            }
            port = number
        }
        guard !host.isEmpty else { throw Self.error("base URL \(shown) has no host") }
        if scheme == "http" && !Self.isLoopback(host) {
            throw Self.error("refusing plain http:// to \(host): the API token would travel unencrypted. Use https://, or http:// only with a loopback host (127.0.0.1, ::1, localhost)")
        }
        self.string = rest
        self.host = host.lowercased()
        self.port = port
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" { return true }
        if host.contains(":") {
            var address = in6_addr()
            return inet_pton(AF_INET6, host, &address) == 1 && withUnsafeBytes(of: &address) { $0.elementsEqual([UInt8](repeating: 0, count: 15) + [1]) }
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    private static func parsesAsIPv6(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, host, &address) == 1
    }

    /// `text` with the userinfo of its authority (`user:password@`) replaced by `***@`, for
    /// every place a base URL is shown (messages, `config show`, plans): a password in it must
    /// never reach a terminal or a log.
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else {
            // No scheme: whatever precedes an '@' before the first '/' may still be a secret.
            guard let at = text.prefix(while: { $0 != "/" }).lastIndex(of: "@") else { return text }
            return "***" + text[at...]
        }
        let authorityStart = schemeEnd.upperBound
        let authority = text[authorityStart...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return text }
        return String(text[..<authorityStart]) + "***" + String(text[at...])
    }

    private static func error(_ message: String) -> TokenFactoryError {
        TokenFactoryError(kind: .configuration, message: message)
    }
}

extension TokenFactoryClient.Configuration {
    /// `baseURL` as it may be shown: any `user:password@` replaced by `***@`.
    public static func redactingCredentials(in baseURL: String) -> String { BaseURL.redacted(baseURL) }
}
