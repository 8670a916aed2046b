import Synchronization
import TFScriptJSON
import Logging
import TFScriptLuaHost
import TokenFactory

extension TFModule {
    /// `tf.endpoints.get/wait` and one function per operation of the catalogue
    /// (``Context/operations``: `create`, `patch`, `delete`, …); the function of the operation
    /// at index i performs the run's operation at that index.
    static func endpointsParts(operations: [EndpointOperation]) -> [LuaHostLibrary.Part] {
        var functions: [String: LuaHostLibrary.Function] = [
            "get": { call in try serving(call).get(call) },
            "wait": { call in try serving(call).wait(call) },
        ]
        for (index, operation) in operations.enumerated() {
            functions[operation.name] = { call in
                let module = try serving(call)
                return try module.perform(module.operations[index], call)
            }
        }
        return [.module(["tf", "endpoints"], functions: functions)]
    }

    private func get(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.endpoints.get"
        let id = try Arguments.id(call, 1, function: function)
        let planes = context.controlPlanes
        let endpoint = try api(function, call) { try await planes.current.endpoint(id: id) }
        sawEndpoint(endpoint)
        return [EndpointView.lua(endpoint)]
    }

    /// `tf.endpoints.<operation>([id,] [body])`: the arguments read and validated as the
    /// operation declares, before anything is sent or recorded; the change sent (or recorded),
    /// charged to the memory limit under dry-run, and reported.
    private func perform(_ operation: EndpointOperation, _ call: LuaHostCall) throws -> [LuaValue] {
        let function = operation.luaFunction
        let planes = context.controlPlanes
        let target = operation.hasTarget ? try Arguments.id(call, 1, function: function) : nil
        var body: JSONValue?
        if let argument = operation.bodyArgument {
            let fields = try Arguments.object(call, operation.hasTarget ? 2 : 1, name: argument, function: function)!
            do throws(TokenFactoryError) { body = try operation.validate(.object(fields)) } catch {
                throw ScriptError(error, function: function, argument: argument)
            }
            if operation.checkedAgainstCatalogue, let body { try checkAgainstCatalogue(body, function, argument, call) }
        }
        let before = target.flatMap { liveSightings?.fields(of: $0) }
        let sent = body
        let result = try api(function, call) {
            try await LiveControlPlane.$subject.withValue(before) { try await planes.current.perform(operation, target: target, body: sent) }
        }
        try chargePlanned(call, body: body, planes: planes)
        changeMade(operation, target: target, body: body, before: before, after: result)
        return [result.map(EndpointView.lua) ?? .boolean(true)]
    }

    /// Under dry-run each recorded change stays in the host's plan (body, `before` snapshot,
    /// overlay) until the run ends: host memory held for the script, so it is charged to the
    /// script's memory budget for good. A loop planning changes without end trips the memory
    /// limit (exit 3) instead of growing the host.
    private func chargePlanned(_ call: LuaHostCall, body: JSONValue?, planes: ControlPlaneSelector) throws {
        guard planes.isDryRun else { return }
        let cost = Self.plannedOperationOverhead + (body.map { $0.serializedBytes().count } ?? 0) * 4
        guard call.state.charge(cost) else {
            throw ScriptError(kind: .limit, message: "the dry-run plan no longer fits in the memory limit")
        }
    }

    /// What one planned operation costs the host besides its body: the `before` snapshot of the
    /// endpoint, the overlay entry and the operation record (measured at 2–3 KiB for the demo fleet).
    static let plannedOperationOverhead = 4096

    /// `tf.endpoints.wait(id, state [, {timeout=600, interval=5}])`.
    private func wait(_ call: LuaHostCall) throws -> [LuaValue] {
        let function = "tf.endpoints.wait"
        let id = try Arguments.id(call, 1, function: function)
        let target = try Arguments.string(call, 2, name: "state", function: function).lowercased()
        let options = try Arguments.options(call, 3, allowed: ["timeout", "interval"], function: function)
        let timeout = try Self.seconds(options["timeout"], default: 600, name: "options.timeout", function: function)
        let interval = try Self.seconds(options["interval"], default: 5, name: "options.interval", function: function)
        let plane = context.controlPlanes.current

        if let recorder = context.controlPlanes.recorder {
            let planned = try api(function, call) { () async throws -> JSONValue? in
                guard await recorder.isPlannedChange(id) else { return nil }
                return try? await recorder.endpoint(id: id)
            }
            if let planned {
                context.logger.info("dry run: not waiting for a planned change to reach the API", metadata: ["endpoint": "\(id)", "state": "\(target)"])
                return [EndpointView.lua(planned)]
            }
        }

        // A class, not a local Mutex: the read closure below may outlive this frame's wait.
        let seenName = NameSeen(try? Arguments.endpointName(call, 1))
        /// `"web" (ep-1)` once the name is known (passed in, or read by a poll), else the id.
        func shown(_ id: String) -> String {
            seenName.name.withLock { $0 }.map { "\(DisplayText.quoted($0)) (\(id))" } ?? id
        }
        var waiter = EndpointWaiter(target: target, timeout: timeout.duration, interval: interval.duration, progress: nil, clock: context.clock)
        let reporter = context.waitProgress.map {
            WaitProgressReporter(endpointID: id, name: try? Arguments.endpointName(call, 1), target: target, timeout: timeout.duration, sink: $0)
        }
        if let reporter {
            waiter.progress = { state, elapsed, endpoint in reporter.polled(state: state, elapsed: elapsed, endpoint: endpoint) }
        }
        // However the wait ends (a limit included), the last report says so.
        var ending: (phase: WaitProgress.Phase, state: String?) = (.stopped, nil)
        defer { reporter?.finished(ending.phase, state: ending.state) }
        do {
            let waitsForDeletion = target == EndpointWaiter.deletedState
            let read: @Sendable () async throws -> JSONValue? = {
                do {
                    let endpoint = try await plane.endpoint(id: id)
                    if let name = endpoint["name"]?.stringValue { seenName.name.withLock { $0 = name } }
                    return endpoint
                } catch let error as TokenFactoryError where error.status == 404 && waitsForDeletion {
                    return nil
                }
            }
            let configured = waiter
            let result: JSONValue? = try api(function, call) {
                try await configured.wait(read: read, state: { EndpointView.state(of: $0) })
            }
            ending = (.reached, target)
            return [result.map(EndpointView.lua) ?? .boolean(true)]
        } catch EndpointWaiter.Failure.enteredError {
            ending.state = "error"
            throw ScriptError(kind: .api, message: "\(function): endpoint \(shown(id)) entered state error while waiting for \(target)")
        } catch EndpointWaiter.Failure.timedOut(let last) {
            ending.state = last
            throw ScriptError(
                kind: .timeout,
                message: "\(function): endpoint \(shown(id)) did not reach \(target) within \(Arguments.format(timeout.seconds))s (last state: \(last))",
                retryable: true)
        }
    }

    private static func seconds(_ value: JSONValue?, default fallback: Double, name: String, function: String) throws -> (seconds: Double, duration: Duration) {
        guard let value else { return (fallback, .seconds(fallback)) }
        guard let number = value.doubleValue else {
            throw ScriptError.validation(function, "\(name) must be a number of seconds > 0, got \(value.serialized())")
        }
        return (number, try Arguments.duration(number, allowZero: false, name: name, function: function))
    }
}

/// How an endpoint looks to Lua: the API's object, plus `endpoint_id` and a normalized
/// `state` so scripts need not know which shape the API used (DESIGN.md §1).
enum EndpointView {
    static func state(of raw: JSONValue) -> String? {
        Endpoint.state(in: raw)
    }

    /// Gives a decoded endpoint its `endpoint_id` (from `id`) and normalized `state` in place,
    /// as ``lua(_:)`` does for JSON values; returns the normalized state.
    static func normalize(_ endpoint: inout LuaDecodedObject) throws -> String? {
        if !endpoint.has("endpoint_id"), endpoint.has("id") {
            endpoint.set("endpoint_id", toValueOf: "id")
        }
        // The common shape first: `status` is a non-empty string, and `state` absent or a string.
        if let status = endpoint.string("status"), !status.isEmpty, let state = Endpoint.normalizedState(status),
           !endpoint.has("state") || endpoint.string("state") != nil {
            endpoint.set("state", string: state)
            return state
        }
        var sources: [String: JSONValue] = [:]
        for key in ["status", "state", "deployment"] {
            guard let value = try endpoint.value(key) else { continue }
            sources[key] = (try? LuaJSON.jsonValue(value, path: key)) ?? .null
        }
        let state = Self.state(of: .object(sources))
        let current = sources["state"]
        if let state, current == nil || current?.stringValue != nil {
            endpoint.set("state", string: state)
        }
        return state
    }

    static func lua(_ raw: JSONValue) -> LuaValue {
        guard case .object(var members) = raw else { return LuaJSON.luaValue(raw) }
        if members["endpoint_id"] == nil, let id = members["id"] {
            members["endpoint_id"] = id
        }
        if members["state"]?.stringValue != nil || members["state"] == nil, let state = state(of: raw) {
            members["state"] = .string(state)
        }
        return LuaJSON.luaValue(.object(members))
    }
}

/// The name of the endpoint a wait is about, once known.
final class NameSeen: Sendable {
    let name: Mutex<String?>
    init(_ name: String?) { self.name = Mutex(name) }
}
