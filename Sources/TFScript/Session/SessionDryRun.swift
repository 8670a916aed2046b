import Synchronization
import TFScriptRuntime

/// A session's dry-run switch and its plan.
///
/// One recorder serves the whole session: turning dry-run off and on again keeps what was
/// recorded, so the plan shows every change the session would have made. Turning it off sends
/// later calls to the control plane again (recorded changes are never sent: apply a saved plan
/// for that).
final class SessionDryRun: Sendable {
    private let selector: ControlPlaneSelector
    private let live: any ControlPlane
    private let connection: OpenControlPlane
    private let recorder: Mutex<RecordingControlPlane?>
    private let guardrails: Guardrails
    /// The recorder behind its guardrails, once made.
    private let guardedRecorder: Mutex<(any ControlPlane)?>

    /// `guardrails` hold for every change of the session: each plane counts `--max-changes`
    /// for itself (the changes sent, and the changes recorded into the plan).
    init(on: Bool, connection: OpenControlPlane, journal: Journal?, guardrails: Guardrails) {
        let live = Self.guarded(connection.controlPlane(journal: journal), guardrails)
        let recorder = on ? connection.recorder() : nil
        let guardedRecorder = recorder.map { Self.guarded($0, guardrails) }
        self.selector = ControlPlaneSelector(plane: guardedRecorder ?? live, recorder: recorder)
        self.live = live
        self.connection = connection
        self.recorder = Mutex(recorder)
        self.guardrails = guardrails
        self.guardedRecorder = Mutex(guardedRecorder)
    }

    private static func guarded(_ plane: any ControlPlane, _ guardrails: Guardrails) -> any ControlPlane {
        guardrails.isEmpty ? plane : GuardedControlPlane(plane, guardrails: guardrails)
    }

    /// Changes the guardrails refused so far, on either plane.
    var guardrailRefusals: Int { guards.reduce(0) { $0 + $1.refusals } }
    /// Changes the guardrails let through so far, on either plane.
    var guardrailChanges: Int { guards.reduce(0) { $0 + $1.changes } }

    private var guards: [GuardedControlPlane] {
        [live as? GuardedControlPlane, guardedRecorder.withLock { $0 } as? GuardedControlPlane].compactMap { $0 }
    }

    /// Where the session's `tf` calls go.
    var controlPlanes: ControlPlaneSelector { selector }

    var isOn: Bool { selector.isDryRun }

    /// Switches recording on or off for the calls that follow.
    func set(_ on: Bool) {
        guard on != isOn else { return }
        if on {
            let recorder = recorder.withLock { slot in
                if let existing = slot { return existing }
                let made = connection.recorder()
                slot = made
                return made
            }
            let guardrails = guardrails
            let plane = guardedRecorder.withLock { slot in
                if let existing = slot { return existing }
                let made = Self.guarded(recorder, guardrails)
                slot = made
                return made
            }
            selector.select(plane, recorder: recorder)
        } else {
            selector.select(live, recorder: nil)
        }
    }

    /// Discards what was recorded (`:plan clear`): later reads see the API as it is, and the
    /// plan starts empty. Returns how many changes were discarded.
    func clear() -> Int {
        let discarded = plan()?.operations.count ?? 0
        let wasOn = isOn
        recorder.withLock { $0 = nil }
        guardedRecorder.withLock { $0 = nil }
        if wasOn {
            selector.select(live, recorder: nil)
            set(true)
        }
        return discarded
    }

    /// Everything recorded so far (nil when dry-run was never on).
    func plan() -> Plan? {
        guard let recorder = recorder.withLock({ $0 }) else { return nil }
        return Plan(baseURL: connection.baseURL, script: nil, operations: recorder.recordedOperations)
    }
}
