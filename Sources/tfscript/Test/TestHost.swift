import Foundation
import Synchronization
import TFScript
import TFScriptJSON
import TokenFactory
import TFScriptTesting

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

    /// The test file's folder: relative script and fleet paths are taken from it.
    let folder: String
    private let state = Mutex<(declared: [String], outcome: Outcome?, testbeds: [ScriptTestbed])>(([], nil, []))

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
                let spec = arguments.dropFirst().first ?? .null
                let line = [spec["method"]?.stringValue ?? "*", spec["path"]?.stringValue ?? "/**",
                            spec["status"]?.integerValue.map { String($0) } ?? spec["action"]?.stringValue ?? "503"]
                    + (spec["times"]?.integerValue.map { ["times=\($0)"] } ?? [])
                try await testbed(arguments.first).addFault(line.joined(separator: " "))
                return []
            },
            "simulator_requests": { [self] arguments in
                [.array(try await testbed(arguments.first).requests().map { request in
                    var entry: [String: JSONValue] = ["method": .string(request.method), "path": .string(request.path), "status": .integer(Int64(request.status))]
                    entry["body"] = request.body
                    return .object(entry)
                })]
            },
            "simulator_endpoint": { [self] arguments in
                let id = arguments.dropFirst().first?.stringValue ?? ""
                let all = try await testbed(arguments.first).endpoints()
                return [all.first { ($0["endpoint_id"] ?? $0["id"])?.stringValue == id } ?? .null]
            },
            "simulator_endpoints": { [self] arguments in [.array(try await testbed(arguments.first).endpoints())] },
            "simulator_advance": { [self] arguments in
                try await testbed(arguments.first).advanceClock(by: arguments.dropFirst().first?.doubleValue ?? 0)
                return []
            },
        ])
    }

    private func testbed(_ id: JSONValue?) throws -> ScriptTestbed {
        guard let index = id?.integerValue.flatMap({ Int(exactly: $0) }) else { throw TestFailure("not a simulator handle") }
        return try state.withLock { state in
            guard state.testbeds.indices.contains(index) else { throw TestFailure("not a simulator handle") }
            return state.testbeds[index]
        }
    }

    private func keep(_ testbed: ScriptTestbed) -> Int {
        state.withLock { state in
            state.testbeds.append(testbed)
            return state.testbeds.count - 1
        }
    }

    /// A fresh simulator: the demo fleet, a fleet file (relative to the test file) or an
    /// inline list of endpoints; instant transitions, so waits take no real time.
    private func startSimulator(_ spec: JSONValue) async throws -> Int {
        do {
            if let path = spec["path"]?.stringValue {
                return keep(try await ScriptTestbed.simulator(fleetFile: path.hasPrefix("/") ? path : folder + "/" + path))
            }
            return keep(try await ScriptTestbed.simulator(fleet: spec["endpoints"].map { $0.arrayValue ?? [$0] }))
        } catch let failure as ScriptTestbed.Failure {
            throw TestFailure("t.simulator: \(failure)")
        }
    }

    /// An engine answering from a cassette (docs/cassettes.md), relative to the test file:
    /// a recorded production run as a regression test.
    private func startReplay(_ name: String) async throws -> Int {
        do {
            return keep(try await ScriptTestbed.replaying(cassette: name.hasPrefix("/") ? name : folder + "/" + name))
        } catch let failure as ScriptTestbed.Failure {
            throw TestFailure("t.replay: \(failure)")
        }
    }

    /// Runs a script under test as `tfscript run` would, against the simulator; the result
    /// as a table: exit_code, status, stdout, error, values, plan, changes_sent, changes_planned.
    private func run(simulator id: JSONValue?, script: JSONValue?, options: JSONValue?) async throws -> JSONValue {
        let testbed = try testbed(id)
        guard let name = script?.stringValue, !name.isEmpty else { throw TestFailure("sim:run(script, options): script must be a path") }
        let path = name.hasPrefix("/") ? name : folder + "/" + name
        var run = ScriptOptions()
        let options = options ?? .null
        let arguments = (options["args"]?.arrayValue ?? []).map { $0.stringValue ?? $0.serialized() }
        run.arguments = arguments
        for (key, value) in options["vars"]?.objectValue ?? [:] { run.vars[key] = value.stringValue ?? value.serialized() }
        for (key, value) in options["env"]?.objectValue ?? [:] { run.environment[key] = value.stringValue ?? value.serialized() }
        run.dryRun = options["dry_run"]?.boolValue ?? false
        if let seconds = options["timeout"]?.doubleValue {
            // A test's own number: checked before it becomes a Duration (no overflow, no trap).
            guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                throw TestFailure("sim:run: timeout must be a number of seconds from 0 to 86400, got \(seconds)")
            }
            run.timeout = .milliseconds(Int64(seconds * 1000))
        }
        if let bytes = options["memory_limit"]?.integerValue {
            guard bytes > 0 else { throw TestFailure("sim:run: memory_limit must be a number of bytes above 0, got \(bytes)") }
            run.memoryLimit = Int(bytes)
        }
        let result = await testbed.run(.file(path), options: run)
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
        let testbeds = state.withLock { state in
            defer { state.testbeds = [] }
            return state.testbeds
        }
        for testbed in testbeds { await testbed.shutdown() }
    }
}

/// An error of the test module, shown to the test as its message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
