import Foundation
import Testing

/// Every package in the build graph, and every system library Package.swift links, is listed
/// in THIRD_PARTY_LICENSES, so a new dependency cannot ship in a release without its licence
/// (issue 24). The graph is Package.resolved, which SwiftPM writes before it builds these tests.
struct ThirdPartyLicenseTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ name: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(name), encoding: .utf8)
    }

    /// The `- NAME VERSION (URL)` entries' names, lowercased.
    static func listedPackages() throws -> Set<String> {
        let lines = try read("THIRD_PARTY_LICENSES").split(separator: "\n")
        return Set(lines.filter { $0.hasPrefix("- ") }.compactMap { $0.dropFirst(2).split(separator: " ").first.map { $0.lowercased() } })
    }

    @Test("every package pinned in Package.resolved is listed with its licence")
    func everyPinIsListed() throws {
        let resolved = try JSONSerialization.jsonObject(with: Data(try Self.read("Package.resolved").utf8)) as? [String: Any]
        let pins = try #require(resolved?["pins"] as? [[String: Any]], "Package.resolved has no pins")
        let identities = pins.compactMap { $0["identity"] as? String }
        #expect(identities.count == pins.count)
        #expect(!identities.isEmpty)
        let listed = try Self.listedPackages()
        let missing = identities.filter { !listed.contains($0.lowercased()) }
        #expect(missing.isEmpty, "not in THIRD_PARTY_LICENSES: \(missing.joined(separator: ", ")); run scripts/third-party-licenses")
    }

    @Test("every system library Package.swift links is listed with its licence")
    func everySystemLibraryIsListed() throws {
        let manifest = try Self.read("Package.swift")
        let pkgConfigNames = manifest.matches(of: /pkgConfig: "([^"]+)"/).map { String($0.1) }
        #expect(pkgConfigNames.sorted() == ["libedit", "lua5.4"], "a new system library: list it in scripts/third-party-licenses")
        let text = try Self.read("THIRD_PARTY_LICENSES")
        #expect(text.contains("Lua 5.4 (Debian liblua5.4"))
        #expect(text.contains("libedit (Debian libedit2"))
        #expect(text.contains("Swift runtime, standard library, Foundation"))
    }

    @Test("every licence an entry points at is there in full")
    func licenceTextsArePresent() throws {
        let text = try Self.read("THIRD_PARTY_LICENSES")
        let references = Set(text.matches(of: /text (L\d+) below/).map { String($0.1) })
        #expect(!references.isEmpty)
        for reference in references {
            #expect(text.contains("=== \(reference): "), "licence text \(reference) is missing")
        }
        #expect(text.contains("Permission is hereby granted, free of charge"))  // Lua's, TOMLKit's
    }

    @Test("LICENSE is the Apache License 2.0 and NOTICE points at the third-party list")
    func licenceAndNotice() throws {
        let licence = try Self.read("LICENSE")
        #expect(licence.contains("Apache License\n                           Version 2.0, January 2004"))
        #expect(licence.contains("END OF TERMS AND CONDITIONS"))
        #expect(try Self.read("NOTICE").contains("THIRD_PARTY_LICENSES"))
    }
}
