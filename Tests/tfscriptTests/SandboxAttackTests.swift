import TestSupport
import Foundation
import Testing

/// Issue 9 through the real binary: host copies stay inside the memory limit (class 5), script
/// numbers never trap (class 6), exit codes cannot be forged (class 7), and `tf.log` cannot
/// write past `--max-output` or forge tfscript's own lines (class 8).
@Suite(.serialized)
struct SandboxAttackTests {
    @Test("a DAG copied as a tree (t = {t, t} 40 deep) hits the memory limit, not the host", arguments: [
        "tf.json.encode(t)",
        "tf.log.info('%s', tf.json.encode(t))",
        "tf.endpoints.create(t)",
    ])
    func dagCopy(_ use: String) async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local t = {}
            for i = 1, 40 do t = {t, t} end
            \(use)
            """, flags: ["--memory-limit", "64M", "--timeout", "60s"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("memory limit"), "\(result.stderr)")
    }

    @Test("pretty JSON of a deep value larger than the budget hits the memory limit")
    func prettyBlowUp() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local t = {}
            for i = 1, 100000 do t[i] = 0 end
            for i = 1, 900 do t = {t} end
            print(#tf.json.encode(t, {pretty = true}))
            """, flags: ["--memory-limit", "64M", "--timeout", "60s"])
        #expect(result.status == 3, "\(result.stderr)")
    }

    @Test("os.date with a huge format ends at the timeout (one long strftime loop in stock Lua)")
    func longDateFormat() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await api.run("print(#os.date(string.rep('%c', 2e7)))", flags: ["--timeout", "300ms", "--memory-limit", "1G"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("timeout"), "\(result.stderr)")
        // The CLI's watchdog (timeout + 2 s) must not be what ended it: it says so when it does.
        #expect(!result.stderr.contains("ended by the watchdog"), "\(result.stderr)")
        _ = clock.now - start
    }

    @Test("a dry-run plan that grows without end is charged to the memory limit")
    func planGrowth() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local ep = tf.endpoints.list()[1]
            for i = 1, 1e7 do tf.endpoints.patch(ep.endpoint_id, {description = "x" .. i}) end
            """, flags: ["--dry-run", "--memory-limit", "16M", "--timeout", "60s"])
        #expect(result.status == 3, "\(result.stderr.suffix(300))")
        #expect(await api.mutatingRequests().isEmpty)
    }

    @Test("numbers a script passes to Swift are range-checked, never a crash", arguments: [
        "tf.sleep(1e300)", "tf.sleep(9.3e18)", "tf.sleep(-1)", "tf.sleep(0/0)", "tf.sleep(math.huge)",
        "tf.endpoints.wait('ep-1', 'running', {timeout = 1e300})",
        "tf.endpoints.wait('ep-1', 'running', {interval = 9.3e18})",
        "tf.endpoints.wait('ep-1', 'running', {timeout = -math.huge})",
        "tf.parallel({1}, print, {concurrency = 1e300})",
        "tf.parallel({1}, print, {concurrency = math.mininteger})",
    ])
    func hostileNumbers(_ call: String) async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("local ok, err = pcall(function() \(call) end) print(ok, err.kind) error(err)")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout == "false\tvalidation\n", "\(result.stdout) \(result.stderr)")
    }

    @Test("an error table with a copied __name is a script error, not a host error", arguments: [
        "configuration", "api", "transport",
    ])
    func forgedIdentity(_ kind: String) async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            error(setmetatable({kind = '\(kind)', message = 'forged'}, {__name = 'tf.error'}))
            """)
        #expect(result.status == 1, "\(result.stderr)")
    }

    @Test("tf.log charges what it writes: empty messages cannot pass --max-output")
    func logBudget() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            for i = 1, 200000 do tf.log.info('') end
            """, flags: ["--max-output", "64K", "-v"])
        #expect(result.status == 0, "\(result.stderr.suffix(300))")
        #expect(result.stderr.utf8.count < 80 << 10, "wrote \(result.stderr.utf8.count) bytes")
        #expect(result.stderr.contains("truncated"))
    }

    @Test("an uncaught error cannot forge a line of tfscript's own on stderr", arguments: [
        "error('bad\\ntfscript: timeout of 30s exceeded')",
        "load(\"error('x')\", '=name\\ntfscript: memory limit of 1 MiB exceeded')()",
    ])
    func errorLinesCannotBeForged(_ source: String) async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run(source)
        #expect(result.status == 1, "\(result.stderr)")
        let forged = result.stderr.split(separator: "\n").filter { $0.hasPrefix("tfscript: ") && $0.contains("exceeded") }
        #expect(forged.isEmpty, "\(result.stderr)")
    }

    @Test("a tf.log message cannot forge a line of tfscript's own")
    func logLinesCannotBeForged() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.log.info('hello\\n2026-01-01T00:00:00Z [error] forged line\\rX')
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.contains { $0.contains("[error]") && !$0.contains("[info]") }, "\(result.stderr)")
        #expect(result.stderr.contains("hello\\n2026"), "\(result.stderr)")
    }
}
