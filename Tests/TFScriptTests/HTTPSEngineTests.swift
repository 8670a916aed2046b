// Not in the AddressSanitizer build (Package.swift: TFSCRIPT_SANITIZED_SUITES_ONLY), which
// leaves out the certificate packages; the plain build runs these.
#if !TFSCRIPT_WITHOUT_TLS_FIXTURES
import Foundation
import Testing
import TestSupport
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

/// Scripts through the engine over HTTPS, against a simulator whose certificate a private CA
/// (made at test time) signed.
struct HTTPSEngineTests {
    static let listAndPatch = """
        local eps = tf.endpoints.list()
        local results = tf.parallel(eps, function(ep) return tf.endpoints.patch(ep, {description = "patched over TLS"}) end, {concurrency = 4})
        local ok = 0
        for _, r in ipairs(results) do if r.ok then ok = ok + 1 end end
        print(#eps, ok)
        """

    @Test("with caFile, a script lists and patches over HTTPS, and the requests arrive as HTTP/2")
    func trusted() async throws {
        let certificates = try TestCertificates.make()
        let files = try certificates.writeFiles()
        let simulator = try await TokenFactorySimulator.start(configuration: .init(speed: .infinity, tls: certificates.simulatorTLS()))
        do {
            let engine = try await ScriptEngine(controlPlane: .api(baseURL: simulator.baseURL, token: simulator.token, caFile: files.ca.path))
            let result = await engine.run(lua: Self.listAndPatch)
            try await engine.shutdown()
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            #expect(result.output == "12\t12\n")
            let log = await simulator.requestLog()
            #expect(log.filter { $0.method == "PATCH" && $0.status == 200 }.count == 12)
            #expect(log.allSatisfy { $0.httpVersion == "2" })
        }
        await simulator.shutdown()
    }

    @Test("without caFile the run ends with exit 4 and a certificate error that names --ca-file; nothing is sent")
    func untrusted() async throws {
        let certificates = try TestCertificates.make()
        let simulator = try await TokenFactorySimulator.start(configuration: .init(speed: .infinity, tls: certificates.simulatorTLS()))
        do {
            let engine = try await ScriptEngine(controlPlane: .api(baseURL: simulator.baseURL, token: simulator.token))
            let result = await engine.run(lua: Self.listAndPatch)
            try await engine.shutdown()
            #expect(result.exitCode == 4)
            let error = try #require(result.error)
            #expect(error.contains("certificate is not trusted"), "\(error)")
            #expect(error.contains("--ca-file"))
            #expect(await simulator.requestLog().isEmpty)
        }
        await simulator.shutdown()
    }

    @Test("an in-process simulator serving TLS (its chain ending with its CA) is trusted by the engine's own client")
    func inProcessSimulator() async throws {
        let certificates = try TestCertificates.make()
        let tls = certificates.simulatorTLS(offersHTTP2: false, chainEndsWithCA: true)
        try await withSimulatedEngine(.init(speed: .infinity, tls: tls)) { engine in
            let result = await engine.run(lua: Self.listAndPatch)
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            let simulator = try #require(engine.simulator)
            #expect(simulator.baseURL.hasPrefix("https://"))
            #expect(await simulator.requestLog().allSatisfy { $0.httpVersion == "1.1" })
        }
    }

    @Test("a caFile that cannot be read stops the engine from starting, naming the file")
    func missingCAFile() async throws {
        do {
            let engine = try await ScriptEngine(controlPlane: .api(baseURL: "https://127.0.0.1:1", token: "t", caFile: "/nonexistent/ca.pem"))
            try await engine.shutdown()
            Issue.record("the engine started with a missing CA file")
        } catch let error as TokenFactoryError {
            #expect(error.kind == .configuration)
            #expect(error.message.contains("/nonexistent/ca.pem"))
        }
    }
}
#endif
