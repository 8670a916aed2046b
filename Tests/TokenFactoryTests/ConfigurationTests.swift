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
}
