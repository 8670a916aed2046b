import Foundation
import Synchronization
import TFScript
import TFScriptJSON
import TokenFactory
import TokenFactorySimulator

/// The host functions of one test-file run (`__tfscript_test` in ``TestLibrary``): what the
/// file declares and reports, and the simulators its case starts, each with an engine for the
/// scripts under test. Everything a run starts is stopped when it ends (``close()``).
final class TestHost: Sendable {
    /// How one case ended.
    struct Outcome: Sendable, Equatable {
        var status: String   // pass, fail, skip, error
        var message: String
        var at: String?
    }

    private struct Started: Sendable {
        /// Nil for a replay (`t.replay`): its answers come from a cassette.
        var simulatorIfAny: TokenFactorySimulator?
        var engine: ScriptEngine

        var simulator: TokenFactorySimulator {
            get throws {
                guard let simulatorIfAny else {
                    throw TestFailure("a replay answers from its cassette; faults, requests, endpoints and the clock are a simulator's (t.simulator)")
                }
                return simulatorIfAny
            }
        }
    }

    /// The test file's folder: relative script and fleet paths are taken from it.
    let folder: String
    private let state = Mutex<(declared: [String], outcome: Outcome?, simulators: [Started])>(([], nil, []))

    init(folder: String) { self.folder = folder }

    var declared: [String] { state.withLock { $0.declared } }
    var outcome: Outcome? { state.withLock { $0.outcome } }

    /// The module the library finds as `__tfscript_test`.
    var module: HostModule {
        HostModule("__tfscript_test", functions: [
            "declare": { [self] arguments in
                if let name = arguments.first?.stringValue { state.withLock { $0.declared.append(name) } }
                return []
            },
            "report": { [self] arguments in
                let outcome = Outcome(
                    status: arguments.first?.stringValue ?? "error", message: arguments.dropFirst().first?.stringValue ?? "",
                    at: arguments.dropFirst(2).first?.stringValue)
                state.withLock { $0.outcome = outcome }
                return []
            },
            "simulator_start": { [self] arguments in [.integer(Int64(try await startSimulator(arguments.first ?? .null)))] },
            "replay_start": { [self] arguments in [.integer(Int64(try await startReplay(arguments.first?.stringValue ?? "")))] },
            "simulator_run": { [self] arguments in
                [try await run(simulator: arguments.first, script: arguments.dropFirst().first, options: arguments.dropFirst(2).first)]
            },
            "simulator_fault": { [self] arguments in
                let started = try simulator(arguments.first)
                let spec = arguments.dropFirst().first ?? .null
                let line = [spec["method"]?.stringValue ?? "*", spec["path"]?.stringValue ?? "/**",
                            spec["status"]?.integerValue.map { String($0) } ?? spec["action"]?.stringValue ?? "503"]
                    + (spec["times"]?.integerValue.map { ["times=\($0)"] } ?? [])
                let simulator = try started.simulator
                do { await simulator.addFaults([try Fault(parsing: line.joined(separator: " "))]) } catch {
                    throw TestFailure("sim:fault: \(error)")
                }
                return []
            },
            "simulator_requests": { [self] arguments in
                let log = await (try simulator(arguments.first).simulator).requestLog()
                return [.array(log.filter { !$0.path.hasPrefix("/_simulator") }.map { request in
                    var entry: [String: JSONValue] = ["method": .string(request.method), "path": .string(request.path), "status": .integer(Int64(request.status))]
                    entry["body"] = request.body
                    return .object(entry)
                })]
            },
            "simulator_endpoint": { [self] arguments in
                let id = arguments.dropFirst().first?.stringValue ?? ""
                let all = await (try simulator(arguments.first).simulator).endpoints()
                return [all.first { ($0["endpoint_id"] ?? $0["id"])?.stringValue == id } ?? .null]
            },
            "simulator_endpoints": { [self] arguments in [.array(await (try simulator(arguments.first).simulator).endpoints())] },
            "simulator_advance": { [self] arguments in
                await (try simulator(arguments.first).simulator).advanceClock(by: arguments.dropFirst().first?.doubleValue ?? 0)
                return []
            },
        ])
    }

    private func simulator(_ id: JSONValue?) throws -> Started {
        guard let index = id?.integerValue.flatMap({ Int(exactly: $0) }) else { throw TestFailure("not a simulator handle") }
        return try state.withLock { state in
            guard state.simulators.indices.contains(index) else { throw TestFailure("not a simulator handle") }
            return state.simulators[index]
        }
    }

    /// A fresh simulator: the demo fleet, a fleet file (relative to the test file) or an
    /// inline list of endpoints; instant transitions, so waits take no real time.
    private func startSimulator(_ spec: JSONValue) async throws -> Int {
        var configuration = TokenFactorySimulator.Configuration(speed: .infinity)
        do {
            if let path = spec["path"]?.stringValue {
                configuration.fleet = try Fleet.load(path: path.hasPrefix("/") ? path : folder + "/" + path)
            } else if let endpoints = spec["endpoints"] {
                configuration.fleet = try Fleet.parse(endpoints, source: "t.simulator{fleet = …}")
            }
        } catch {
            throw TestFailure("t.simulator: \(error)")
        }
        let simulator = try await TokenFactorySimulator.start(configuration: configuration)
        let engine: ScriptEngine
        do {
            engine = try await ScriptEngine(controlPlane: .api(baseURL: simulator.baseURL, token: simulator.token))
        } catch {
            await simulator.shutdown()
            throw error
        }
        return state.withLock { state in
            state.simulators.append(Started(simulatorIfAny: simulator, engine: engine))
            return state.simulators.count - 1
        }
    }

    /// An engine answering from a cassette (docs/cassettes.md), relative to the test file:
    /// a recorded production run as a regression test.
    private func startReplay(_ name: String) async throws -> Int {
        let path = name.hasPrefix("/") ? name : folder + "/" + name
        let cassette: Cassette
        do {
            cassette = try Cassette(replayingJSON: try JSONValue(parsing: try BoundedFile.read(path, limit: 256 << 20, regularOnly: true)))
        } catch {
            throw TestFailure("t.replay(\(name)): \(error)")
        }
        var configuration = TokenFactoryClient.Configuration(
            baseURL: cassette.baseURL.isEmpty || cassette.baseURL.contains("@") ? TokenFactoryClient.Configuration.defaultBaseURL : cassette.baseURL,
            token: "cassette-replay")
        configuration.cassette = cassette
        let engine = try await ScriptEngine(controlPlane: .api(configuration))
        return state.withLock { state in
            state.simulators.append(Started(simulatorIfAny: nil, engine: engine))
            return state.simulators.count - 1
        }
    }

    /// Runs a script under test as `tfscript run` would, against the simulator; the result
    /// as a table: exit_code, status, stdout, error, values, plan, changes_sent, changes_planned.
    private func run(simulator id: JSONValue?, script: JSONValue?, options: JSONValue?) async throws -> JSONValue {
        let started = try simulator(id)
        guard let name = script?.stringValue, !name.isEmpty else { throw TestFailure("sim:run(script, options): script must be a path") }
        let path = name.hasPrefix("/") ? name : folder + "/" + name
        var run = ScriptOptions()
        let options = options ?? .null
        let arguments = (options["args"]?.arrayValue ?? []).map { $0.stringValue ?? $0.serialized() }
        run.arguments = arguments
        for (key, value) in options["vars"]?.objectValue ?? [:] { run.vars[key] = value.stringValue ?? value.serialized() }
        for (key, value) in options["env"]?.objectValue ?? [:] { run.environment[key] = value.stringValue ?? value.serialized() }
        run.dryRun = options["dry_run"]?.boolValue ?? false
        if let seconds = options["timeout"]?.doubleValue { run.timeout = .milliseconds(Int64(seconds * 1000)) }
        if let bytes = options["memory_limit"]?.integerValue { run.memoryLimit = Int(bytes) }
        let result = await started.engine.run(.file(path), options: run)
        var table: [String: JSONValue] = [
            "exit_code": .integer(Int64(result.exitCode)),
            "status": .string(result.status.rawValue),
            "stdout": .string(result.output),
            "values": .array(result.values),
            "changes_sent": .integer(Int64(result.changesSent)),
            "changes_planned": .integer(Int64(result.changesPlanned)),
        ]
        table["error"] = result.error.map(JSONValue.string)
        table["plan"] = result.plan?.json
        return .object(table)
    }

    /// Stops every simulator the run started.
    func close() async {
        let started = state.withLock { state in
            defer { state.simulators = [] }
            return state.simulators
        }
        for each in started {
            try? await each.engine.shutdown()
            await each.simulatorIfAny?.shutdown()
        }
    }
}

/// An error of the test module, shown to the test as its message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
