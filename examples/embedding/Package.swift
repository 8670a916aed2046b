// swift-tools-version: 6.1
// A small program that embeds tfscript: it depends on the repository root by path, as an app
// would depend on a released tfscript by URL, and imports only `TFScript`.
import PackageDescription

let package = Package(
    name: "EmbeddingExample",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "tfscript", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "EmbeddingExample",
            dependencies: [
                .product(name: "TFScript", package: "tfscript"),
                // The in-process simulator the example runs against; a real app needs only TFScript.
                .product(name: "TFScriptSimulation", package: "tfscript"),
            ]
        ),
    ]
)
