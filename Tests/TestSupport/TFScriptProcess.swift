public import Foundation

/// Runs the built `tfscript` binary as a user would and captures what it printed.
///
/// The binary sits next to the test bundle in SwiftPM's build folder; the test target depends
/// on the executable target, so `swift test` always builds it first.
public struct TFScriptProcess: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static var binaryURL: URL {
        // .build/<triple>/debug/tfscriptPackageTests.xctest -> .build/<triple>/debug/tfscript
        var url = Bundle.main.bundleURL
        while url.pathComponents.count > 1 {
            let candidate = url.appendingPathComponent("tfscript")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            url.deleteLastPathComponent()
        }
        fatalError("tfscript binary not found next to \(Bundle.main.bundleURL.path)")
    }

    /// PATH, and a configuration folder that does not exist: tests never read a developer's
    /// `~/.config/tfscript/config.toml` (its default profile would change what they test).
    public static var baseEnvironment: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "XDG_CONFIG_HOME": "/nonexistent/tfscript-tests-config"]
    }

    /// Runs `tfscript ARGS` to completion. At most ``ProcessSlots`` such runs go at once;
    /// `takesSlot: false` is for a process a test keeps waiting on purpose while it starts
    /// another (a lock holder), which must not hold a slot the other one needs. `environment` replaces the inherited one when given,
    /// so tests never pick up a developer's real API token.
    ///
    /// The wait happens on a thread of its own, never on Swift concurrency's small pool: tests
    /// run in parallel, and blocked pool threads would starve the in-process simulators and
    /// every time-sensitive test with them.
    public static func run(
        _ arguments: [String],
        stdin: String? = nil,
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        executable: URL = binaryURL,
        onStart: (@Sendable (_ pid: Int32) -> Void)? = nil,
        takesSlot: Bool = true
    ) async throws -> Result {
        if takesSlot { await ProcessSlots.shared.acquire() }
        defer { if takesSlot { Task { await ProcessSlots.shared.release() } } }
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result {
                    try runBlocking(arguments, stdin: stdin, environment: environment, currentDirectory: currentDirectory, executable: executable, onStart: onStart)
                })
            }
            thread.start()
        }
    }

    private static func runBlocking(
        _ arguments: [String],
        stdin: String? = nil,
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        executable: URL,
        onStart: (@Sendable (_ pid: Int32) -> Void)? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment ?? baseEnvironment
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        onStart?(process.processIdentifier)
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// Writes `contents` to a fresh temporary folder and returns the file's URL.
    public static func writeTemporaryFile(named name: String, contents: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url
    }
}

/// How many `tfscript` processes the tests run at once.
///
/// Swift Testing starts every test together: a hundred debug binaries starting on two cores
/// leave the in-process engine tests beside them so little CPU that their scripts miss real
/// timeouts of a few seconds. A few at a time finish as soon, and keep those tests honest.
actor ProcessSlots {
    static let shared = ProcessSlots(limit: max(4, ProcessInfo.processInfo.activeProcessorCount * 2))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
