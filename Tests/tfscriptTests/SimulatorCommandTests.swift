import TestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("tfscript simulator", .serialized)
struct SimulatorCommandTests {
    @Test("--help teaches the flags, the fault syntax and the control routes")
    func help() throws {
        let result = try #require(ParsedCommandLine.earlyExit(["simulator", "--help"]))
        #expect(result.status == 0)
        for needle in ["--port", "--fleet", "--token", "--speed", "--latency", "--fault", "/_simulator/faults", "/_simulator/requests"] {
            #expect(result.message.contains(needle), "help lacks \(needle)")
        }
    }

    @Test("a malformed --fault is a usage error naming the flag")
    func badFault() throws {
        let result = try #require(ParsedCommandLine.earlyExit(["simulator", "--port", "0", "--fault", "GET /x explode"]))
        #expect(result.status == 2)
        #expect(result.message.contains("--fault"))
    }

    @Test("a port in use is one line in the system's words, no library error codes (exit 1)")
    func portInUse() async throws {
        let holder = try FaultServer { _, _ in .respond(status: 200) }
        defer { holder.stop() }
        let result = try await TFScriptProcess.run(["simulator", "--port", String(holder.port)])
        #expect(result.status == 1)
        #expect(result.stderr == "tfscript simulator: cannot listen on 127.0.0.1:\(holder.port): Address already in use. Try another --port, or --port 0 for a free one.\n")
    }

    @Test("a missing --fleet file is a usage error naming the file")
    func missingFleet() async throws {
        let result = try await TFScriptProcess.run(["simulator", "--port", "0", "--fleet", "/nonexistent/fleet.json"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/fleet.json"))
    }

    @Test("serves until SIGINT or SIGTERM, prints its URL and token, says it stops and exits 0", .timeLimit(.minutes(1)), arguments: [SIGINT, SIGTERM])
    func servesUntilInterrupted(_ signal: Int32) async throws {
        let process = Process()
        process.executableURL = TFScriptProcess.binaryURL
        process.arguments = ["simulator", "--port", "0", "--token", "cli-test-token"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Read stderr until the banner's usage line has arrived (off the pool: it blocks).
        let handle = errPipe.fileHandleForReading
        let banner = try await offPool {
            var banner = ""
            while !banner.contains("Press Ctrl-C") {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                banner += String(decoding: chunk, as: UTF8.self)
            }
            return banner
        }
        #expect(banner.contains("cli-test-token"))
        #expect(banner.contains("TOKEN_FACTORY_API_KEY=cli-test-token tfscript run --base-url http://127.0.0.1:"))
        let url = try #require(banner.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }.map { String($0.split(separator: "\n")[0]) })

        var request = URLRequest(url: try #require(URL(string: url + "/v0/dedicated_endpoints/ep-demo-01")))
        request.setValue("Bearer cli-test-token", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("\"endpoint_id\":\"ep-demo-01\""))

        kill(process.processIdentifier, signal)
        let (status, rest) = try await offPool {
            let rest = handle.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: rest, as: UTF8.self))
        }
        #expect(status == 0)
        #expect(process.terminationReason == .exit)
        #expect(rest.hasSuffix("stopping simulator\n"), "\(rest)")
    }
}
