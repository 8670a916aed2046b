import InMemoryLogging
import Foundation
import TFScriptJSON
import TokenFactory
import TokenFactorySimulator
import Testing
import TestSupport

/// The client over HTTPS against a simulator serving a certificate from a private CA made at
/// test time: trust through `trustedCAs`, HTTP/2 by ALPN, and a clear refusal otherwise.
@Suite("Client over HTTPS")
struct TLSClientTests {
    @Test("with the CA trusted, list and patch work over HTTP/2, negotiated by ALPN")
    func http2() async throws {
        let certificates = try TestCertificates.make()
        let recorder = InMemoryLogHandler()
        try await withSimulator(
            .init(speed: .infinity, tls: certificates.simulatorTLS()), trustedCAs: [.pem(certificates.caPEM)], logger: recorder.logger()
        ) { simulator, client in
            #expect(simulator.baseURL.hasPrefix("https://127.0.0.1:"))
            let endpoints = try await client.listEndpoints()
            #expect(endpoints.count == 12)
            let patched = try await client.patchEndpoint(id: "ep-demo-01", try EndpointPatch(validating: ["description": "over TLS"]))
            #expect(patched.raw["description"] == "over TLS")
            let log = await simulator.requestLog()
            #expect(log.map { "\($0.method) \($0.path)" } == ["GET /v0/dedicated_endpoints", "PATCH /v0/dedicated_endpoints/ep-demo-01"])
            #expect(log.map(\.httpVersion) == ["2", "2"])
        }
        let responses = recorder.lines.filter { $0.contains("tokenfactory.response") }
        #expect(responses.count == 2)
        #expect(responses.allSatisfy { $0.contains("HTTP/2.0") }, "\(responses)")
    }

    @Test("concurrent calls over HTTP/2 all succeed (they share one connection's streams)")
    func concurrentHTTP2() async throws {
        let certificates = try TestCertificates.make()
        try await withSimulator(.init(speed: .infinity, tls: certificates.simulatorTLS()), trustedCAs: [.pem(certificates.caPEM)]) { simulator, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<32 {
                    group.addTask { _ = try await client.getEndpoint(id: String(format: "ep-demo-%02d", index % 12 + 1)) }
                }
                try await group.waitForAll()
            }
            let log = await simulator.requestLog()
            #expect(log.count == 32)
            #expect(log.allSatisfy { $0.httpVersion == "2" && $0.status == 200 })
        }
    }

    @Test("a server that offers only http/1.1 by ALPN is spoken to in HTTP/1.1")
    func http1Only() async throws {
        let certificates = try TestCertificates.make()
        try await withSimulator(
            .init(speed: .infinity, tls: certificates.simulatorTLS(offersHTTP2: false)), trustedCAs: [.pem(certificates.caPEM)]
        ) { simulator, client in
            _ = try await client.patchEndpoint(id: "ep-demo-02", try EndpointPatch(validating: ["enabled": false]))
            #expect(await simulator.requestLog().map(\.httpVersion) == ["1.1"])
        }
    }

    @Test("plain HTTP on loopback is logged as HTTP/1.1")
    func plainHTTP() async throws {
        try await withSimulator { simulator, client in
            #expect(simulator.baseURL.hasPrefix("http://127.0.0.1:"))
            _ = try await client.getEndpoint(id: "ep-demo-01")
            #expect(await simulator.requestLog().map(\.httpVersion) == ["1.1"])
        }
    }

    @Test("without the CA the call fails at the handshake: a certificate error naming the fix, not retried, nothing sent")
    func untrusted() async throws {
        let certificates = try TestCertificates.make()
        try await withSimulator(.init(speed: .infinity, tls: certificates.simulatorTLS())) { simulator, client in
            let error = await captureError { _ = try await client.patchEndpoint(id: "ep-demo-01", try EndpointPatch(validating: ["enabled": false])) }
            let failure = try #require(error)
            #expect(failure.kind == .transport)
            #expect(failure.retryable == false)
            #expect(failure.attempts == 1)
            #expect(failure.unanswered == false)
            #expect(failure.message.contains("TLS handshake with 127.0.0.1:\(simulator.port) failed"))
            #expect(failure.message.contains("certificate is not trusted"))
            #expect(failure.message.contains("--ca-file"))
            #expect(!failure.message.contains("may have applied"))
            #expect(await simulator.requestLog().isEmpty)
        }
    }

    @Test("a CA that did not sign the server's certificate is no help")
    func wrongCA() async throws {
        let served = try TestCertificates.make(), other = try TestCertificates.make()
        try await withSimulator(.init(speed: .infinity, tls: served.simulatorTLS()), trustedCAs: [.pem(other.caPEM)]) { simulator, client in
            let error = await captureError { _ = try await client.listEndpoints() }
            #expect(error?.message.contains("certificate is not trusted") == true)
            #expect(await simulator.requestLog().isEmpty)
        }
    }

    #if os(Linux)
    @Test("a certificate that does not name the host dialled is refused, even from a trusted CA")
    func wrongHostName() async throws {
        let certificates = try TestCertificates.make()
        // All of 127/8 is loopback on Linux; the certificate names only 127.0.0.1, ::1 and localhost.
        try await withSimulator(
            .init(host: "127.0.0.2", speed: .infinity, tls: certificates.simulatorTLS()), trustedCAs: [.pem(certificates.caPEM)]
        ) { simulator, client in
            let error = await captureError { _ = try await client.listEndpoints() }
            #expect(error?.kind == .transport)
            #expect(error?.retryable == false)
            #expect(error?.message.contains("TLS handshake with 127.0.0.2:\(simulator.port) failed") == true, "\(String(describing: error))")
            #expect(error?.message.contains("--ca-file") == true)
            #expect(await simulator.requestLog().isEmpty)
        }
    }
    #endif

    @Test("an unreadable CA file or one without a certificate fails when the client is made, naming it")
    func badCAFile() throws {
        let missing = "/nonexistent/ca.pem"
        #expect(throws: TokenFactoryError.self) { try TokenFactoryClient(configuration: .init(token: "t", trustedCAs: [.file(missing)])) }
        do {
            _ = try TokenFactoryClient(configuration: .init(token: "t", trustedCAs: [.file(missing)]))
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.message.contains(missing))
        }
        let notPEM = try TFScriptProcess.writeTemporaryFile(named: "ca.pem", contents: "not a certificate\n")
        do {
            _ = try TokenFactoryClient(configuration: .init(token: "t", trustedCAs: [.file(notPEM.path)]))
            Issue.record("a file without a certificate was accepted")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.message.contains(notPEM.path))
            #expect(error.message.contains("BEGIN CERTIFICATE"))
        }
    }
}
