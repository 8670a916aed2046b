public import TFScript
import TFScriptSimulation
import TokenFactorySimulator
import TokenFactory

/// Where a host application's tests run its scripts: a fresh simulated control plane (instant
/// transitions, faults, a movable clock, a request log) or a recorded cassette, each with an
/// engine of its own. The Swift side of `tfscript test`'s `t.simulator` and `t.replay`, as
/// HummingbirdTesting is the Swift side of Hummingbird's test client.
///
/// ```swift
/// let bed = try await ScriptTestbed.simulator()
/// let result = await bed.run(.text("tf.endpoints.patch('ep-demo-07', {enabled = false})"))
/// #expect(result.exitCode == 0)
/// #expect(try await bed.requests().map(\.method).contains("PATCH"))
/// await bed.shutdown()
/// ```
public final class ScriptTestbed: Sendable {
    /// One request the simulator received.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        public var status: Int
        public var body: JSONValue?
    }

    /// Why a testbed cannot do what was asked.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The engine scripts run in (its control plane is the simulator or the cassette).
    public let engine: ScriptEngine
    private let simulatorIfAny: TokenFactorySimulator?

    private init(engine: ScriptEngine, simulator: TokenFactorySimulator?) {
        self.engine = engine
        self.simulatorIfAny = simulator
    }

    /// A fresh simulator holding `fleet` (nil: the demo fleet of `tfscript simulator`).
    /// Transitions are instant, so a script's `tf.endpoints.wait` returns at its first poll.
    public static func simulator(fleet: [JSONValue]? = nil) async throws -> ScriptTestbed {
        var configuration = TokenFactorySimulator.Configuration(speed: .infinity)
        if let fleet {
            do { configuration.fleet = try Fleet.parse(.array(fleet), source: "the fleet") } catch { throw Failure("\(error)") }
        }
        return try await start(configuration)
    }

    /// A fresh simulator seeded from a fleet file (the format `tfscript simulator --fleet` reads).
    public static func simulator(fleetFile path: String) async throws -> ScriptTestbed {
        var configuration = TokenFactorySimulator.Configuration(speed: .infinity)
        do { configuration.fleet = try Fleet.load(path: path) } catch { throw Failure("\(error)") }
        return try await start(configuration)
    }

    private static func start(_ configuration: TokenFactorySimulator.Configuration) async throws -> ScriptTestbed {
        let simulator = try await TokenFactorySimulator.start(configuration: configuration)
        do {
            let engine = try await ScriptEngine(controlPlane: .api(baseURL: simulator.baseURL, token: simulator.token))
            return ScriptTestbed(engine: engine, simulator: simulator)
        } catch {
            await simulator.shutdown()
            throw error
        }
    }

    /// An engine answering from the cassette at `path` (`tfscript run --record`, docs/cassettes.md):
    /// no connection is made; a request the cassette does not hold fails the script's call.
    public static func replaying(cassette path: String) async throws -> ScriptTestbed {
        let cassette: Cassette
        do { cassette = try Cassette(replayingFile: path) } catch { throw Failure(error.message) }
        return ScriptTestbed(engine: try await ScriptEngine(controlPlane: .api(.replaying(cassette))), simulator: nil)
    }

    /// Runs a script in its own sandbox, as `tfscript run` would.
    public func run(_ source: ScriptSource, options: ScriptOptions = ScriptOptions()) async -> ScriptResult {
        await engine.run(source, options: options)
    }

    private var simulator: TokenFactorySimulator {
        get throws {
            guard let simulatorIfAny else {
                throw Failure("a replay answers from its cassette; faults, requests, endpoints and the clock are a simulator's")
            }
            return simulatorIfAny
        }
    }

    /// The requests the simulator received, in order (not its control routes).
    public func requests() async throws -> [Request] {
        await (try simulator).requestLog().filter { !$0.path.hasPrefix("/_simulator") }.map {
            Request(method: $0.method, path: $0.path, status: $0.status, body: $0.body)
        }
    }

    /// The simulator's endpoints, as it stores them.
    public func endpoints() async throws -> [JSONValue] { await (try simulator).endpoints() }

    /// Adds a fault in `tfscript simulator --fault`'s syntax: `PATCH /v0/dedicated_endpoints/* 503 times=2`.
    public func addFault(_ line: String) async throws {
        let fault: Fault
        do { fault = try Fault(parsing: line) } catch { throw Failure("fault '\(line)': \(error)") }
        await (try simulator).addFaults([fault])
    }

    /// Moves the simulated clock on (timed transitions happen as if that much time passed).
    public func advanceClock(by seconds: Double) async throws { await (try simulator).advanceClock(by: seconds) }

    /// Stops the engine and the simulator. Call once, after the last run.
    public func shutdown() async {
        try? await engine.shutdown()
        await simulatorIfAny?.shutdown()
    }
}
