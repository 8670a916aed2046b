import Foundation
import TestSupport
import Testing

/// Issue 18, class 10: output that cannot be written is an error, never a silent success.
struct OutputFailureTests {
    /// Runs `tfscript ARGS` with stdout sent to `stdout` (nil: closed) and returns the exit
    /// status and stderr.
    private func run(_ arguments: [String], stdout: FileHandle?) async throws -> (status: Int32, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = TFScriptProcess.binaryURL
                    process.arguments = arguments
                    process.environment = TFScriptProcess.baseEnvironment
                    let err = Pipe()
                    process.standardError = err
                    if let stdout {
                        process.standardOutput = stdout
                    } else {
                        // A closed stdout: the child starts with descriptor 1 not open.
                        process.standardOutput = FileHandle(fileDescriptor: -1, closeOnDealloc: false)
                    }
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    return (process.terminationStatus, text)
                })
            }
        }
    }

    @Test("print and -o json into /dev/full fail the run with one line naming the problem",
          arguments: [["-e", "print('hello')"], ["-o", "json", "-e", "return {1, 2, 3}"], ["-o", "table", "-e", "return {{a = 1}}"]])
    func fullDevice(arguments: [String]) async throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let (status, stderr) = try await run(["run", "--simulator"] + arguments, stdout: full)
        #expect(status == 1, "\(stderr)")
        let lines = stderr.split(separator: "\n").filter { !$0.contains("simulated control plane") }
        #expect(lines == ["tfscript: cannot write to stdout: No space left on device; output was lost (check the disk, or where stdout goes)"])
    }

    @Test("a script error keeps its own exit code when stdout fails too")
    func failedScriptKeepsCode() async throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let (status, stderr) = try await run(["run", "--simulator", "-e", "print('x') error('boom')"], stdout: full)
        #expect(status == 1)
        #expect(stderr.contains("boom"))
        #expect(stderr.contains("cannot write to stdout"))
    }

    @Test("a reader that goes away (| head) is not an error")
    func brokenPipeIsQuiet() async throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let (status, stderr) = try await run(["run", "--simulator", "-e", "for i = 1, 100000 do print(i) end"], stdout: pipe.fileHandleForWriting)
        #expect(status == 0, "\(stderr)")
        #expect(!stderr.contains("cannot write"))
    }
}
