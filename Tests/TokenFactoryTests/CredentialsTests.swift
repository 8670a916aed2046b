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

    @Test("a token with a control character, whitespace inside or an invisible character is refused and never shown",
          arguments: ["ab\u{0}SECRET", "SECRET\u{1B}[2J", "SECRET\u{7F}", "SEC RET", "SE\u{85}CRET", "SECRET\u{2028}x", "SE\u{FEFF}CRET", "SE\tCRET"])
    func invalidToken(_ token: String) throws {
        let fromEnvironment = try #require(throws: TokenFactoryError.self) {
            try Credentials.resolve(tokenFile: nil, environment: ["TOKEN_FACTORY_API_KEY": token])
        }
        let fromFile = try #require(throws: TokenFactoryError.self) {
            try Credentials.resolve(tokenFile: try temporaryFile(token + "\n"), environment: [:])
        }
        let fromClient = try #require(throws: TokenFactoryError.self) {
            try TokenFactoryClient(configuration: .init(baseURL: "http://127.0.0.1:9", token: token))
        }
        for error in [fromEnvironment, fromFile, fromClient] {
            #expect(error.kind == .configuration)
            #expect(!error.message.contains("SECRET") && !error.message.contains("SEC"), "\(error.message)")
            #expect(!"\(error)".contains("SECRET"))
        }
        #expect(fromEnvironment.message.contains("$TOKEN_FACTORY_API_KEY"))
    }

    @Test("tokens of any printable characters, non-ASCII included, are accepted")
    func printableTokens() throws {
        for token in [#"tk-Σ.*+?[](){}|^$"\/é😀-0123456789abcdef"#, "v1.eyJhbGciOi_-~+/=="] {
            #expect(try Credentials.resolve(tokenFile: nil, environment: ["API_TOKEN": token]).token == token)
        }
    }

    @Test("a token file that is a folder, too large, or not UTF-8 says so clearly")
    func unusableTokenFiles() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let big = try temporaryFile(String(repeating: "a", count: (64 << 10) + 1))
        let latin1 = FileManager.default.temporaryDirectory.appendingPathComponent("tf-token-\(UUID().uuidString)").path
        try Data([0x74, 0x6B, 0xE9]).write(to: URL(fileURLWithPath: latin1))
        let cases = [(folder, "it is a folder, not a file"), (big, "it is larger than 64 KiB"), (latin1, "is not UTF-8 text")]
        for (path, expected) in cases {
            let error = try #require(throws: TokenFactoryError.self) { try Credentials.resolve(tokenFile: path, environment: [:]) }
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("NSCocoaErrorDomain"))
        }
        let exact = try temporaryFile(String(repeating: "a", count: 64 << 10))
        #expect(try Credentials.resolve(tokenFile: exact, environment: [:]).token.count == 64 << 10)
    }
}
