// swift-tools-version: 6.1
// The embedded-run benchmark (issue 21): a program that depends on this repository by path, as
// an embedder does (examples/embedding), and times `engine.run` of a tiny script. Built in
// release by Benchmarks/bench.py into its own scratch folder, so the main build stays lean
// (swift-nio's Benchmarks/Package.swift does the same).
import PackageDescription

let package = Package(
    name: "EmbedBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "tfscript", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "EmbedBench",
            dependencies: [.product(name: "TFScript", package: "tfscript")]
        ),
    ]
)
