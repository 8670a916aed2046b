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

    init(on: Bool, connection: OpenControlPlane, journal: Journal?) {
        let live = connection.controlPlane(journal: journal)
        let recorder = on ? connection.recorder() : nil
        self.selector = ControlPlaneSelector(plane: recorder ?? live, recorder: recorder)
        self.live = live
        self.connection = connection
        self.recorder = Mutex(recorder)
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
            selector.select(recorder, recorder: recorder)
        } else {
            selector.select(live, recorder: nil)
        }
    }

    /// Everything recorded so far (nil when dry-run was never on).
    func plan() async -> Plan? {
        guard let recorder = recorder.withLock({ $0 }) else { return nil }
        return Plan(baseURL: connection.baseURL, script: nil, operations: await recorder.recordedOperations)
    }
}
