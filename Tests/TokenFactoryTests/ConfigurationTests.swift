import TokenFactory
import Testing

@Suite("Client configuration")
struct ConfigurationTests {
    private func makeClient(_ baseURL: String) throws(TokenFactoryError) -> TokenFactoryClient {
        try TokenFactoryClient(configuration: .init(baseURL: baseURL, token: "t0ken-value"))
    }

    @Test("plain http to a remote host is refused")
    func remoteHTTPRefused() throws {
        let error = try #require(throws: TokenFactoryError.self) { try makeClient("http://api.tokenfactory.nebius.com") }
        #expect(error.kind == .configuration)
        #expect(error.message.contains("unencrypted"))
    }

    @Test("userinfo cannot disguise a remote host as loopback")
    func userinfoRefused() {
        #expect(throws: TokenFactoryError.self) { try makeClient("http://127.0.0.1@evil.example") }
    }

    @Test("http to loopback hosts and https anywhere are accepted", arguments: [
        "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9000/", "http://127.1.2.3", "https://api.tokenfactory.nebius.com",
    ])
    func accepted(_ url: String) async throws {
        let client = try makeClient(url)
        try await client.shutdown()
    }

    @Test("the default base URL is the public API")
    func defaultBaseURL() {
        #expect(TokenFactoryClient.Configuration(token: "x").baseURL == "https://api.tokenfactory.nebius.com")
    }

    @Test("malformed hosts and ports are refused, so text after an IPv6 literal cannot pass as loopback", arguments: [
        "http://[::1]evil.example", "http://[::1]evil.example:8080", "http://[::1x]:80", "http://[]:80", "http://[::1%25eth0]:80",
        "http://127.0.0.1:+80", "http://127.0.0.1:0x50", "https://host:", "https://exa mple.com", "https://ex%61mple.com",
        "https://ex\u{E4}mple.com", "http://[::1]:80:81", "https://.example.com", "https://a..b",
    ])
    func malformedRefused(_ url: String) {
        let error = #expect(throws: TokenFactoryError.self) { try makeClient(url) }
        #expect(error?.kind == .configuration)
    }

    @Test("IPv6 loopback is recognised in any spelling; other IPv6 addresses are not loopback", arguments: [
        ("http://[::1]:80", true), ("http://[0:0:0:0:0:0:0:1]:80", true), ("http://[0::1]", true), ("http://[::2]:80", false), ("http://[::ffff:1.2.3.4]", false),
    ])
    func ipv6Loopback(_ url: String, _ accepted: Bool) async throws {
        if accepted {
            try await makeClient(url).shutdown()
        } else {
            #expect(throws: TokenFactoryError.self) { try makeClient(url) }
        }
    }

    @Test("a password in a base URL is never in the error, and redaction replaces any userinfo")
    func userinfoRedacted() {
        let error = #expect(throws: TokenFactoryError.self) { try makeClient("https://ops:hunter2@api.example.com") }
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("https://***@api.example.com") == true, "\(error?.message ?? "")")
        #expect(TokenFactoryClient.Configuration.redactingCredentials(in: "https://a:b@c@host:1/p@x") == "https://***@host:1/p@x")
        #expect(TokenFactoryClient.Configuration.redactingCredentials(in: "https://host/p@x") == "https://host/p@x")
        #expect(TokenFactoryClient.Configuration.redactingCredentials(in: "user:pw@host") == "***@host")
    }
}
