import Foundation
import TokenFactory
import Testing

@Suite("Token resolution")
struct CredentialsTests {
    private func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tf-token-\(UUID().uuidString)")
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    @Test("--token-file wins over every environment variable, trimmed")
    func fileWins() throws {
        let path = try temporaryFile("  file-token\n")
        let credentials = try Credentials.resolve(tokenFile: path, environment: ["TOKEN_FACTORY_API_KEY": "env-token"])
        #expect(credentials.token == "file-token")
        #expect(credentials.source == "--token-file \(path)")
    }

    @Test("environment precedence: TOKEN_FACTORY_API_KEY, API_TOKEN, NEBIUS_API_KEY")
    func environmentOrder() throws {
        let all = ["TOKEN_FACTORY_API_KEY": "a", "API_TOKEN": "b", "NEBIUS_API_KEY": "c"]
        #expect(try Credentials.resolve(tokenFile: nil, environment: all).token == "a")
        #expect(try Credentials.resolve(tokenFile: nil, environment: ["API_TOKEN": "b", "NEBIUS_API_KEY": "c"]).token == "b")
        #expect(try Credentials.resolve(tokenFile: nil, environment: ["NEBIUS_API_KEY": "c"]).source == "$NEBIUS_API_KEY")
    }

    @Test("an empty variable is skipped")
    func emptyVariableSkipped() throws {
        let credentials = try Credentials.resolve(tokenFile: nil, environment: ["TOKEN_FACTORY_API_KEY": "", "API_TOKEN": "b"])
        #expect(credentials.token == "b")
    }

    @Test("an empty token file is a clear error")
    func emptyFile() throws {
        let path = try temporaryFile("\n")
        let error = try #require(throws: TokenFactoryError.self) { try Credentials.resolve(tokenFile: path, environment: [:]) }
        #expect(error.kind == .configuration)
        #expect(error.message.contains("is empty"))
    }

    @Test("an unreadable token file names the path")
    func missingFile() throws {
        let error = try #require(throws: TokenFactoryError.self) { try Credentials.resolve(tokenFile: "/nonexistent/tf-token", environment: [:]) }
        #expect(error.message.contains("/nonexistent/tf-token"))
    }

    @Test("no token anywhere explains where to put one")
    func noToken() throws {
        let error = try #require(throws: TokenFactoryError.self) { try Credentials.resolve(tokenFile: nil, environment: [:]) }
        #expect(error.message.contains("TOKEN_FACTORY_API_KEY"))
    }

    @Test("the description never shows the token")
    func descriptionHidesToken() throws {
        let credentials = try Credentials.resolve(tokenFile: nil, environment: ["API_TOKEN": "secret-value-123"])
        #expect(!"\(credentials)".contains("secret-value-123"))
    }
}
