import Foundation
import TFScriptRuntime
import Synchronization
import TokenFactory

/// The session's `:dry-run on|off` switch and its plan.
///
/// One recorder serves the whole session: turning dry-run off and on again keeps what was
/// recorded, so `:plan` shows every change the session would have made. Turning it off sends
/// later calls to the API again (recorded changes are never sent: use `tfscript apply` on a
/// saved plan for that).
final class ReplDryRun: Sendable {
    private let selector: ControlPlaneSelector
    private let live: any ControlPlane
    private let reader: any EndpointReading
    private let baseURL: String
    private let recorder: Mutex<RecordingControlPlane?>

    init(selector: ControlPlaneSelector, live: any ControlPlane, reader: any EndpointReading, baseURL: String) {
        self.selector = selector
        self.live = live
        self.reader = reader
        self.baseURL = baseURL
        self.recorder = Mutex(selector.recorder)
    }

    var isOn: Bool { selector.isDryRun }

    /// Switches recording on or off for the calls that follow.
    func set(_ on: Bool) {
        guard on != isOn else { return }
        if on {
            let recorder = recorder.withLock { slot in
                if let existing = slot { return existing }
                let made = ScriptExecution.recorder(reading: reader)
                slot = made
                return made
            }
            selector.select(recorder, recorder: recorder)
        } else {
            selector.select(live, recorder: nil)
        }
    }

    /// The plan at the end of the session (called from async code, after the Lua thread is done).
    func planAfterSession() async -> Plan? {
        guard let recorder = recorder.withLock({ $0 }) else { return nil }
        return Plan(baseURL: baseURL, script: nil, operations: await recorder.recordedOperations)
    }

    /// Everything recorded so far (nil when dry-run was never on). Blocks the calling thread:
    /// call it from the Lua thread, never from Swift concurrency's pool.
    func plan() -> Plan? {
        guard let recorder = recorder.withLock({ $0 }) else { return nil }
        let operations = BlockingWait.run { await recorder.recordedOperations }
        return Plan(baseURL: baseURL, script: nil, operations: operations)
    }
}

/// Waits for async work from a plain thread (the REPL's Lua thread, which may block).
enum BlockingWait {
    private final class Box<T: Sendable>: @unchecked Sendable { var value: T? }

    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }
}
