import InMemoryLogging
import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
import TFScript
import TokenFactorySimulator

/// The engine's inputs beyond the script: files, loggers, journals, HTTP clients, custom
/// control planes.
struct EngineConfigurationTests {
    @Test("a file script skips its #! line, sees its path in arg[0] and requires modules from its folder")
    func fileScript() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("return {greeting = 'hi'}".utf8).write(to: folder.appendingPathComponent("helper.lua"))
        let script = folder.appendingPathComponent("main.lua")
        try Data("#!/usr/bin/env tfscript run\nprint(require('helper').greeting, arg[0] == ...)\nerror('line 3')".utf8).write(to: script)
        try await withSimulatedEngine { engine in
            let result = await engine.run(.file(script.path), options: { var o = ScriptOptions(); o.arguments = [script.path]; return o }())
            #expect(result.output == "hi\ttrue\n")
            #expect(result.exitCode == 1)
            #expect(result.error?.contains("main.lua:3: line 3") == true, "\(result.error ?? "")") // Lua shortens long paths
            let missing = await engine.run(.file(folder.appendingPathComponent("nope.lua").path))
            #expect(missing.exitCode == 2)
            #expect(missing.status == .usageError)
        }
    }

    @Test("tf.log goes to the run's logger (and only there)")
    func logger() async throws {
        let records = InMemoryLogHandler()
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "tf.log.warn('%d left', 3)", { $0.logger = records.logger() })
            #expect(result.exitCode == 0)
            #expect(result.output == "")
        }
        #expect(records.lines.contains { $0.hasPrefix("warning 3 left") })
    }

    @Test("a live run's mutations are journaled write-ahead when a journal is given")
    func journal() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "tf.endpoints.patch('ep-demo-01', {enabled = false})", { $0.journal = try? Journal(path: path) })
            #expect(result.exitCode == 0, "\(result.error ?? "")")
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let entries = try lines.map { try JSONValue(parsing: Array($0.utf8)) }
        #expect(entries.map { $0["phase"]?.stringValue } == ["intent", "outcome"])
        #expect(entries.last?["outcome"] == "ok")
    }

    @Test("an injected HTTPClient is used and left running after the engine shuts down")
    func injectedHTTPClient() async throws {
        let simulator = try await TokenFactorySimulator.start(configuration: .init(speed: .infinity))
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let engine = try await ScriptEngine(controlPlane: .api(baseURL: simulator.baseURL, token: simulator.token), httpClient: http)
        let result = await engine.run(.text("return #tf.endpoints.list()"))
        try await engine.shutdown()
        #expect(result.values == [.integer(12)])
        // Still usable: the engine did not shut the embedder's client down.
        let again = try await ScriptEngine(controlPlane: .api(baseURL: simulator.baseURL, token: simulator.token), httpClient: http)
        #expect(await again.run(.text("return #tf.endpoints.list()")).values == [.integer(12)])
        try await again.shutdown()
        try await http.shutdown()
        await simulator.shutdown()
    }

    /// A control plane an embedder might write: in memory, one endpoint.
    final class OneEndpoint: ControlPlane {
        let patches = Mutex<[JSONValue]>([])
        func listEndpoints() async throws -> [JSONValue] { [try await endpoint(id: "ep-1")] }
        func endpoint(id: String) async throws -> JSONValue {
            guard id == "ep-1" else { throw TokenFactoryError(kind: .api, status: 404, message: "no \(id)", method: "GET", path: "/v0/dedicated_endpoints/\(id)") }
            return ["endpoint_id": "ep-1", "name": "mine", "enabled": true, "status": "running"]
        }
        func listTemplates() async throws -> [JSONValue] { [] }
        func createEndpoint(_ spec: EndpointSpec) async throws -> JSONValue { throw TokenFactoryError(kind: .api, status: 403, message: "read-only", method: "POST", path: "/v0/dedicated_endpoints") }
        func patchEndpoint(id: String, _ patch: EndpointPatch) async throws -> JSONValue {
            patches.withLock { $0.append(patch.body) }
            return try await endpoint(id: id)
        }
        func deleteEndpoint(id: String) async throws {}
    }

    @Test("a custom control plane serves the tf module, live and under dry-run")
    func customControlPlane() async throws {
        let plane = OneEndpoint()
        let engine = try await ScriptEngine(controlPlane: plane)
        let live = await engine.run(.text("local eps = tf.endpoints.list() tf.endpoints.patch(eps[1].endpoint_id, {enabled = false}) return eps[1].name"))
        #expect(live.values == [.string("mine")])
        #expect(plane.patches.withLock { $0 } == [["enabled": false]])
        var options = ScriptOptions()
        options.dryRun = true
        let dry = await engine.run(.text("tf.endpoints.patch('ep-1', {enabled = false}) return tf.endpoints.get('ep-1').enabled"), options: options)
        #expect(dry.values == [.bool(false)])
        #expect(dry.plan?.operations.count == 1)
        #expect(plane.patches.withLock { $0 }.count == 1)
        let missing = await engine.run(.text("tf.endpoints.get('ep-2')"))
        #expect(missing.exitCode == 4)
        try await engine.shutdown()
    }
}
