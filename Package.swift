// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
    name: "tfscript",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tfscript", targets: ["tfscript"]),
        // What embedders import: the engine, with the types its API uses re-exported by name
        // (Sources/TFScript/Exports.swift; api/TFScript.txt lists them). The other modules are
        // internals, not products.
        .library(name: "TFScript", targets: ["TFScript"]),
        // The in-process simulator as an engine connection, for embedders' tests and demos.
        .library(name: "TFScriptSimulation", targets: ["TFScriptSimulation"]),
        // For host applications' tests of their scripts: a simulator or a cassette with an
        // engine (what `tfscript test` uses for t.simulator and t.replay).
        .library(name: "TFScriptTesting", targets: ["TFScriptTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // TOML for the CLI's profile file (`~/.config/tfscript/config.toml`); the CLI target only.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        // Tests only: certificates made at test time for the HTTPS tests.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.1.0"),
    ],
    // Every module name is project-specific: SwiftPM needs module names unique across an
    // embedder's whole package graph (LuaSwift has a `CLua`, many packages a `JSON`).
    targets: [
        // Lua 5.4 from the system (Debian liblua5.4-dev), found through pkg-config.
        .systemLibrary(
            name: "TFScriptCLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // libedit (Debian libedit-dev) for `tfscript repl`: line editing, history, completion.
        .systemLibrary(
            name: "TFScriptLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // C: Lua's function-like macros as inline functions, the host-call trampoline, the
        // sandbox's C pieces (allocator, stop hook, concat guard, bounded library calls, source check).
        .target(name: "TFScriptLuaShims", dependencies: ["TFScriptCLua"]),
        // Swift <-> Lua bridge. Knows nothing of Token Factory.
        .target(name: "TFScriptLuaHost", dependencies: ["TFScriptLuaShims", "TFScriptCLua"]),
        // JSON value type, parser and writer with the exact mapping DESIGN.md §3 asks for.
        .target(name: "TFScriptJSON"),
        // Control-plane client. Knows nothing of Lua.
        .target(
            name: "TokenFactory",
            dependencies: [
                "TFScriptJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // A stateful control plane over real HTTP, for tests, demos and `--simulator`.
        .target(
            name: "TokenFactorySimulator",
            dependencies: [
                "TFScriptJSON", "TokenFactory",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The `tf` Lua module, dry-run recording, plans, the runner. Where LuaHost meets TokenFactory.
        .target(
            name: "TFScriptRuntime",
            dependencies: [
                "TFScriptLuaHost", "TFScriptJSON", "TokenFactory",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The composition root the CLI, the REPL and embedders share: ScriptEngine, sessions,
        // options, results. Touches nothing of the process (no stdout, exit, signals, env).
        .target(
            name: "TFScript",
            dependencies: [
                "TFScriptRuntime", "TFScriptLuaHost", "TFScriptJSON", "TokenFactory",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The simulated control plane as an engine connection (`.simulator()`, `engine.simulator`):
        // its own product, so that embedders who never simulate do not link Hummingbird.
        .target(
            name: "TFScriptSimulation",
            dependencies: ["TFScript", "TokenFactory", "TokenFactorySimulator"]
        ),
        .target(
            name: "TFScriptTesting",
            dependencies: ["TFScript", "TFScriptSimulation", "TokenFactory", "TokenFactorySimulator", "TFScriptJSON"]
        ),
        // Helpers every test suite shares: scoped simulators and engines (not a product).
        .target(
            name: "TestSupport",
            dependencies: [
                "TFScript", "TFScriptSimulation", "TFScriptJSON", "TokenFactory", "TokenFactorySimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/TestSupport",
            resources: [.copy("Resources/JSONTestSuite")]
        ),
        .executableTarget(
            name: "tfscript",
            dependencies: [
                "TFScript", "TFScriptSimulation", "TFScriptTesting", "TFScriptRuntime", "TFScriptLuaHost", "TokenFactory", "TokenFactorySimulator", "TFScriptJSON", "TFScriptLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                // `tfscript simulator`'s SIGINT/SIGTERM handling (already in the graph through Hummingbird).
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // --report-url's POST.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "JSONTests", dependencies: ["TFScriptJSON", "TestSupport"]),
        .testTarget(name: "LuaHostTests", dependencies: ["TFScriptLuaHost", "TFScriptLuaShims", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TokenFactoryTests",
            dependencies: [
                "TokenFactory", "TokenFactorySimulator", "TFScriptJSON", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TokenFactorySimulatorTests",
            dependencies: [
                "TokenFactorySimulator", "TokenFactory", "TFScriptJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "ScriptRuntimeTests",
            dependencies: ["TFScriptRuntime", "TokenFactorySimulator", "TokenFactory", "TFScriptLuaHost", "TFScriptJSON", "TestSupport"]
        ),
        // The embedding API in-process: engines, concurrent runs, limits, cancellation, sessions.
        .testTarget(
            name: "TFScriptTests",
            dependencies: [
                "TFScript", "TFScriptSimulation", "TFScriptTesting", "TestSupport", "TokenFactorySimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        // End-to-end tests that run the built `tfscript` binary as a user would.
        // Fixtures/ holds Lua scripts the tests run from the repository (read through #filePath), not resources.
        .testTarget(
            name: "tfscriptTests",
            dependencies: [
                "tfscript", "TFScriptSimulation", "TFScriptJSON", "TokenFactory", "TokenFactorySimulator", "TestSupport",
                // In-process tests parse command lines as the binary does (`@testable import tfscript`).
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

// One strictness setting for every target (as swift-log does).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

// The AddressSanitizer run of scripts/test proves the no-longjmp-through-Swift rule on the
// suites that drive Lua (LuaHostTests, ScriptRuntimeTests, TFScriptTests). Building the CLI and
// the other suites under ASan too (ArgumentParser, TOMLKit's C++, libedit, the binary's own
// tests) cost CI minutes for tests that run without it, so that build leaves them out. So are
// the test certificates (swift-certificates, and swift-crypto's own copy of BoringSSL): the
// HTTPS tests are about TLS, not Lua, and run in the plain build.
if ProcessInfo.processInfo.environment["TFSCRIPT_SANITIZED_SUITES_ONLY"] == "1" {
    let unsanitized: Set<String> = ["tfscript", "tfscriptTests", "TokenFactoryTests", "TokenFactorySimulatorTests", "JSONTests"]
    package.targets.removeAll { unsanitized.contains($0.name) }
    package.products.removeAll { unsanitized.contains($0.name) }
    let certificatePackages = ["swift-certificates", "swift-crypto", "swift-asn1"]
    for target in package.targets where ["TestSupport", "TFScriptTests"].contains(target.name) {
        target.dependencies.removeAll { dependency in certificatePackages.contains { "\(dependency)".contains($0) } }
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("TFSCRIPT_WITHOUT_TLS_FIXTURES")]
    }
    package.dependencies.removeAll { dependency in
        (["TOMLKit", "swift-argument-parser", "swift-service-lifecycle"] + certificatePackages).contains { "\(dependency.kind)".contains($0) }
    }
}
