internal import Foundation
internal import TFScriptJSON

/// One endpoint held by the simulator: its stored fields plus the transition in progress.
///
/// The state is computed lazily from timestamps, so the simulator needs no timers and tests can
/// move time forward (``TokenFactorySimulator/advanceClock(by:)``) instead of sleeping.
struct SimulatedEndpoint: Sendable {
    struct Transition: Sendable {
        /// The state reported while it runs (`starting`, `stopping`, `updating`).
        var phase: String
        /// The state reported once it ends (`running`, `stopped`).
        var target: String
        var endsAt: Date
    }

    /// Every stored field, unknown ones included, without id or state keys.
    var fields: [String: JSONValue]
    let id: String
    /// The settled state when no transition runs.
    var settled: String
    var transition: Transition?

    func state(at now: Date) -> String {
        guard let transition else { return settled }
        return now >= transition.endsAt ? transition.target : transition.phase
    }

    mutating func settle(at now: Date) {
        settled = state(at: now)
        if let transition, now >= transition.endsAt { self.transition = nil }
    }

    mutating func begin(_ phase: String, then target: String, seconds: Double, at now: Date) {
        settle(at: now)
        guard seconds > 0 else {
            settled = target
            transition = nil
            return
        }
        transition = Transition(phase: phase, target: target, endsAt: now.addingTimeInterval(seconds))
    }

    var enabled: Bool { fields["enabled"]?.boolValue ?? true }
    var name: String { fields["name"]?.stringValue ?? "" }

    /// The response object in the configured shape.
    func json(at now: Date, shape: ResponseShape) -> JSONValue {
        var object = fields
        object[shape.idKey] = .string(id)
        let state = state(at: now)
        switch shape.state {
        case .status: object["status"] = .string(state)
        case .state: object["state"] = .string(state)
        case .deploymentStatus:
            var deployment = object["deployment"]?.objectValue ?? [:]
            deployment["status"] = .string(state)
            object["deployment"] = .object(deployment)
        case .statusObject: object["status"] = ["state": .string(state.uppercased())]
        }
        let scaling = fields["scaling"]
        let minimum = scaling?["min_replicas"]?.integerValue ?? 0
        object["ready_replicas"] = .integer(state == "running" ? max(minimum, 1) : 0)
        return .object(object)
    }
}
