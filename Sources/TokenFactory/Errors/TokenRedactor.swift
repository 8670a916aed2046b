/// Removes the API token from any text that may be shown or logged.
///
/// Servers sometimes echo request headers in error bodies; anything coming back from the network
/// passes through here before it is stored in a ``TokenFactoryError`` or logged.
struct TokenRedactor: Sendable {
    static let placeholder = "[REDACTED]"
    let token: String

    func redact(_ text: String) -> String {
        guard token.count >= 4, text.contains(token) else { return text }
        return text.replacing(token, with: Self.placeholder)
    }
}
