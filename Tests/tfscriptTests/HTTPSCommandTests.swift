import Foundation
import TestSupport
import Testing
import TokenFactorySimulator

/// HTTPS end to end through the binary: `run --ca-file` against a TLS simulator, and
/// `tfscript simulator --tls-cert/--tls-key [--http1-only]` serving it. Certificates come from
/// a private CA made at test time.
@Suite(.serialized)
struct HTTPSCommandTests {
    static let listAndPatch = """
        local eps = tf.endpoints.list()
        local results, failures = tf.parallel(eps, function(ep) return tf.endpoints.patch(ep, {description = "over TLS"}) end, {concurrency = 4})
        print(#eps, failures)
        """

    static func environment(token: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "TOKEN_FACTORY_API_KEY": token]
    }

    @Test("run --ca-file lists and patches over HTTPS; the server sees HTTP/2 and -v logs the negotiated version")
    func trusted() async throws {
        let certificates = try TestCertificates.make()
        let files = try certificates.writeFiles()
        let simulator = try await TokenFactorySimulator.start(configuration: .init(speed: .infinity, tls: certificates.simulatorTLS()))
        do {
            let result = try await TFScriptProcess.run(
                ["run", "-v", "--base-url", simulator.baseURL, "--ca-file", files.ca.path, "-e", Self.listAndPatch],
                environment: Self.environment(token: simulator.token))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "12\t0\n")
            #expect(result.stderr.contains("HTTP/2.0"))
            #expect(!result.stderr.contains(simulator.token))
            let log = await simulator.requestLog()
            #expect(log.filter { $0.method == "PATCH" && $0.status == 200 }.count == 12)
            #expect(log.allSatisfy { $0.httpVersion == "2" })
        }
        await simulator.shutdown()
    }

    @Test("without --ca-file the run fails with a certificate error naming --ca-file (exit 4) and sends nothing")
    func untrusted() async throws {
        let certificates = try TestCertificates.make()
        let simulator = try await TokenFactorySimulator.start(configuration: .init(speed: .infinity, tls: certificates.simulatorTLS()))
        do {
            let result = try await TFScriptProcess.run(
                ["run", "--base-url", simulator.baseURL, "-e", Self.listAndPatch], environment: Self.environment(token: simulator.token))
            #expect(result.status == 4)
            #expect(result.stderr.contains("TLS handshake with 127.0.0.1:\(simulator.port) failed"), "\(result.stderr)")
            #expect(result.stderr.contains("certificate is not trusted"))
            #expect(result.stderr.contains("--ca-file"))
            #expect(result.stdout.isEmpty)
            #expect(await simulator.requestLog().isEmpty)
        }
        await simulator.shutdown()
    }

    @Test("a --ca-file that is missing or not PEM is a usage error naming it (exit 2); with --simulator it is refused")
    func badCAFile() async throws {
        let environment = Self.environment(token: "some-token")
        // Refused while parsing (validate), in-process: a missing file, and --ca-file with --simulator.
        let missing = try #require(ParsedCommandLine.earlyExit(["run", "--base-url", "https://127.0.0.1:1", "--ca-file", "/nonexistent/ca.pem", "-e", "print(1)"]))
        #expect(missing.status == 2)
        #expect(missing.message.contains("/nonexistent/ca.pem"))
        let notPEM = try TFScriptProcess.writeTemporaryFile(named: "ca.pem", contents: "hello\n")
        let withSimulator = try #require(ParsedCommandLine.earlyExit(["run", "--simulator", "--ca-file", notPEM.path, "-e", "print(1)"]))
        #expect(withSimulator.status == 2)
        #expect(withSimulator.message.contains("--ca-file"))
        // Read when the run opens its client: through the binary.
        let garbage = try await TFScriptProcess.run(
            ["run", "--base-url", "https://127.0.0.1:1", "--ca-file", notPEM.path, "-e", "print(1)"], environment: environment)
        #expect(garbage.status == 2)
        #expect(garbage.stderr.contains(notPEM.path))
        #expect(garbage.stderr.contains("BEGIN CERTIFICATE"))
    }

    @Test("--help documents --ca-file, and the simulator's --tls-cert, --tls-key and --http1-only")
    func help() throws {
        for command in ["run", "apply", "repl"] {
            let result = try #require(ParsedCommandLine.earlyExit([command, "--help"]))
            #expect(result.message.contains("--ca-file"), "\(command) --help lacks --ca-file")
        }
        let simulator = try #require(ParsedCommandLine.earlyExit(["simulator", "--help"]))
        for flag in ["--tls-cert", "--tls-key", "--http1-only"] {
            #expect(simulator.message.contains(flag), "simulator --help lacks \(flag)")
        }
    }

    @Test("tfscript simulator --tls-cert/--tls-key serves HTTPS with HTTP/2; --http1-only offers HTTP/1.1 alone", .timeLimit(.minutes(1)))
    func simulatorCommand() async throws {
        let files = try TestCertificates.make().writeFiles()
        for (flags, version) in [([String](), "HTTP/2.0"), (["--http1-only"], "HTTP/1.1")] {
            let server = try await offPool { try SimulatorProcess(["--tls-cert", files.certificate.path, "--tls-key", files.key.path] + flags) }
            defer { if server.process.isRunning { server.process.terminate() } }
            #expect(server.banner.contains("--ca-file \(files.certificate.path)"), "\(server.banner)")
            #expect(server.url.hasPrefix("https://127.0.0.1:"))
            let result = try await TFScriptProcess.run(
                ["run", "-v", "--base-url", server.url, "--ca-file", files.ca.path, "-e", Self.listAndPatch],
                environment: Self.environment(token: SimulatorProcess.token))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "12\t0\n")
            #expect(result.stderr.contains(version), "expected \(version) with \(flags)")
            #expect(try await offPool { server.stop() } == 0)
        }
    }

    @Test("the simulator refuses half a TLS set-up, --http1-only without TLS, and a key that is not the certificate's")
    func simulatorUsage() async throws {
        let files = try TestCertificates.make().writeFiles()
        let other = try TestCertificates.make().writeFiles()
        let certOnly = try #require(ParsedCommandLine.earlyExit(["simulator", "--port", "0", "--tls-cert", files.certificate.path]))
        #expect(certOnly.status == 2)
        #expect(certOnly.message.contains("--tls-key"))
        let http1Only = try #require(ParsedCommandLine.earlyExit(["simulator", "--port", "0", "--http1-only"]))
        #expect(http1Only.status == 2)
        #expect(http1Only.message.contains("--http1-only"))
        let mismatched = try await TFScriptProcess.run(["simulator", "--port", "0", "--tls-cert", files.certificate.path, "--tls-key", other.key.path])
        #expect(mismatched.status == 2, "\(mismatched.stderr)")
        #expect(mismatched.stderr.contains("key belongs to the certificate"), "\(mismatched.stderr)")
    }
}

/// `tfscript simulator ARGS` as a child process on a free port, once its banner is out. Its
/// init and `stop()` block: call them through `offPool`.
final class SimulatorProcess: @unchecked Sendable {
    static let token = "https-test-token"
    let process = Process()
    private(set) var banner = ""
    let url: String

    init(_ arguments: [String]) throws {
        process.executableURL = TFScriptProcess.binaryURL
        process.arguments = ["simulator", "--port", "0", "--token", Self.token] + arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        while !banner.contains("Press Ctrl-C") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = banner.split(separator: "\n").first(where: { $0.contains("listening on ") }),
              let url = line.split(separator: " ").last else {
            process.terminate()
            throw SimulatorProcessError(banner: banner)
        }
        self.url = String(url)
    }

    /// Interrupts the simulator (as Ctrl-C) and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }
}

struct SimulatorProcessError: Error, CustomStringConvertible {
    var banner: String
    var description: String { "the simulator did not start: \(banner)" }
}
