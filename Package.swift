// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "tfscript",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tfscript", targets: ["tfscript"]),
        .library(name: "LuaHost", targets: ["LuaHost"]),
        .library(name: "TokenFactory", targets: ["TokenFactory"]),
        .library(name: "TokenFactorySimulator", targets: ["TokenFactorySimulator"]),
        .library(name: "ScriptRuntime", targets: ["ScriptRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // Lua 5.4 from the system (Debian liblua5.4-dev), found through pkg-config.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // libedit (Debian libedit-dev) for `tfscript repl`: line editing, history, completion.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // C: Lua's function-like macros as inline functions, the host-call trampoline,
        // the sandbox's C pieces (allocator, count hook, limit-aware pcall).
        .target(name: "CLuaShims", dependencies: ["CLua"]),
        // Swift <-> Lua bridge. Knows nothing of Token Factory.
        .target(name: "LuaHost", dependencies: ["CLuaShims", "CLua"]),
        // JSON value type, parser and writer with the exact mapping DESIGN.md §3 asks for.
        .target(name: "JSON"),
        // Control-plane client. Knows nothing of Lua.
        .target(
            name: "TokenFactory",
            dependencies: [
                "JSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // A stateful control plane over real HTTP, for tests, demos and `--simulator`.
        .target(
            name: "TokenFactorySimulator",
            dependencies: [
                "JSON", "TokenFactory",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The `tf` Lua module, dry-run recording, plans, the runner. Where LuaHost meets TokenFactory.
        .target(
            name: "ScriptRuntime",
            dependencies: [
                "LuaHost", "JSON", "TokenFactory",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "tfscript",
            dependencies: [
                "ScriptRuntime", "LuaHost", "TokenFactory", "TokenFactorySimulator", "JSON", "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "LuaHostTests", dependencies: ["LuaHost"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TokenFactoryTests",
            dependencies: [
                "TokenFactory", "TokenFactorySimulator", "JSON",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TokenFactorySimulatorTests",
            dependencies: [
                "TokenFactorySimulator", "TokenFactory", "JSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "ScriptRuntimeTests",
            dependencies: ["ScriptRuntime", "TokenFactorySimulator", "TokenFactory", "LuaHost", "JSON"]
        ),
        // End-to-end tests that run the built `tfscript` binary as a user would.
        .testTarget(name: "tfscriptTests", dependencies: ["tfscript", "JSON", "TokenFactory", "TokenFactorySimulator"]),
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
