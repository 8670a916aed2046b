import TestSupport
import Foundation
import TFScriptJSON
import Testing

/// Issue 10, items 1-4: the token appears in 0 bytes of stdout, stderr, plans and journals,
/// whatever the server echoes and however; token, plan and journal files are private.
struct SecrecyFaultTests {
    private func assertNoToken(_ outputs: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for output in outputs {
            #expect(!containsBytes(output.utf8, FaultRig.tokenBytes), "token leaked: \(output.prefix(400))", sourceLocation: sourceLocation)
        }
    }

    @Test("a token followed by a combining mark in an error body is redacted (bytes, not graphemes)")
    func combiningMark() async throws {
        let server = try FaultServer { request, _ in
            if request.path.hasSuffix("ep-json") {
                // JSON-escaped quotes and backslash: only the decoded string holds the token.
                let message = JSONValue.string("Bearer \(FaultRig.token)\u{301} is not allowed")
                return .json(400, ["error": ["message": message, "code": .string("E\(FaultRig.token)\u{301}")]])
            }
            return .respond(status: 400, headers: [("Content-Type", "text/plain")], body: Array("Bearer \(FaultRig.token)\u{301} rejected".utf8))
        }
        defer { server.stop() }
        let result = try await FaultRig.run("""
            local ok, e = pcall(tf.endpoints.get, "ep-json"); print(tostring(e))
            tf.endpoints.get("ep-text")
            """, server: server)
        #expect(result.status == 4, "\(result.stderr)")
        assertNoToken([result.stdout, result.stderr])
        // Bytes again: "[REDACTED]" + U+0301 is one grapheme, so String.contains would say no.
        #expect(containsBytes(result.stdout.utf8, "Bearer [REDACTED]".utf8))
        #expect(containsBytes(result.stderr.utf8, "Bearer [REDACTED]".utf8))
        // The server did receive the real token: redaction is about what comes back.
        #expect(server.log.allSatisfy { $0.headers["authorization"] == "Bearer \(FaultRig.token)" })
        #expect(server.lines == ["GET /v0/dedicated_endpoints/ep-json", "GET /v0/dedicated_endpoints/ep-text"])
    }

    @Test("a token straddling the 200-byte snippet cut is redacted before the cut")
    func snippetCut() async throws {
        let body = String(repeating: "x", count: 175) + " Bearer " + FaultRig.token + " trailing text"
        let server = try FaultServer { _, _ in .respond(status: 403, headers: [("Content-Type", "text/html")], body: Array(body.utf8)) }
        defer { server.stop() }
        let result = try await FaultRig.run(#"tf.endpoints.get("ep-1")"#, server: server)
        #expect(result.status == 4)
        let prefix = Array(FaultRig.tokenBytes.prefix(8))
        #expect(!containsBytes(result.stderr.utf8, prefix), "part of the token leaked: \(result.stderr)")
        #expect(result.stderr.contains("HTTP 403"))
        #expect(server.lines == ["GET /v0/dedicated_endpoints/ep-1"])
    }

    @Test("a token echoed in SUCCESS bodies never reaches stdout, the plan or the journal")
    func successBodies() async throws {
        // Raw (JSON-writer escaping only) and fully \u-escaped echoes, as values and as keys.
        let escaped = FaultRig.escapedJSONString(FaultRig.token)
        let raw = JSONValue.string(FaultRig.token).serialized()
        let echo = #"{"endpoint_id":"ep-1","name":"one","region":"eu-west1","enabled":true,"description":\#(raw),"# +
            #""labels":{\#(escaped):"Bearer \#(escaped.dropFirst().dropLast())"},"note":"Bearer \#(FaultRig.token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\u0301"}"#
        #expect((try? JSONValue(parsing: echo)) != nil)
        let server = try FaultServer { request, _ in
            let body = request.path == "/v0/dedicated_endpoints" ? "{\"endpoints\":[\(echo)]}" : echo
            return .respond(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        }
        defer { server.stop() }
        let script = """
            local list = tf.endpoints.list()
            print(tf.json.encode(list))
            print(tf.json.encode(tf.endpoints.patch("ep-1", {enabled = false})))
            """
        let journal = FaultRig.temporaryPath("journal.jsonl")
        let plan = FaultRig.temporaryPath("plan.json")
        let real = try await FaultRig.run(script, server: server, flags: ["--journal", journal, "--verbose"])
        let dry = try await FaultRig.run(script, server: server, flags: ["--dry-run", "--plan-out", plan])
        #expect(real.status == 0, "\(real.stderr)")
        #expect(dry.status == 0, "\(dry.stderr)")
        let files = [try String(contentsOfFile: journal, encoding: .utf8), try String(contentsOfFile: plan, encoding: .utf8)]
        assertNoToken([real.stdout, real.stderr, dry.stdout, dry.stderr] + files)
        #expect(real.stdout.contains("[REDACTED]"))
        #expect(files.allSatisfy { $0.contains("[REDACTED]") })
        #expect(server.lines.filter { $0.hasPrefix("PATCH") } == ["PATCH /v0/dedicated_endpoints/ep-1"])
    }

    @Test("a group/world-readable --token-file warns; plans and journals are 0600, an old 0644 journal too")
    func filePermissions() async throws {
        let server = try FaultServer { request, _ in .json(200, FaultRig.endpoint("ep-1")) }
        defer { server.stop() }
        let tokenFile = FaultRig.temporaryPath("token")
        try Data(FaultRig.token.utf8).write(to: URL(fileURLWithPath: tokenFile))
        chmod(tokenFile, 0o644)
        let journal = FaultRig.temporaryPath("journal.jsonl")
        _ = FileManager.default.createFile(atPath: journal, contents: Data())
        chmod(journal, 0o644)
        let plan = FaultRig.temporaryPath("plan.json")
        let script = try TFScriptProcess.writeTemporaryFile(named: "p.lua", contents: #"tf.endpoints.patch("ep-1", {enabled = false})"#)
        let base = ["run", "--base-url", server.baseURL, "--token-file", tokenFile]
        let dry = try await TFScriptProcess.run(base + ["--dry-run", "--plan-out", plan, script.path])
        let real = try await TFScriptProcess.run(base + ["--journal", journal, script.path])
        #expect(dry.status == 0 && real.status == 0, "\(dry.stderr)\(real.stderr)")
        #expect(dry.stderr.contains("token file \(tokenFile) is readable by every user"))
        #expect(dry.stderr.contains("chmod 600 \(tokenFile)"))
        #expect(FaultRig.mode(plan) == 0o600)
        #expect(FaultRig.mode(journal) == 0o600)
        chmod(tokenFile, 0o600)
        let quiet = try await TFScriptProcess.run(base + ["--dry-run", script.path])
        #expect(!quiet.stderr.contains("warning"))
        #expect(server.lines.filter { $0.hasPrefix("PATCH") }.count == 1)
    }
}
