import Synchronization

/// Which control plane the `tf` functions call right now.
///
/// A script run keeps one for its whole life; the REPL's `:dry-run on|off` switches between the
/// live API and a recorder mid-session. Every `tf` call reads the current choice, so a switch
/// applies from the next call on.
public final class ControlPlaneSelector: Sendable {
    private struct Choice: Sendable {
        var plane: any ControlPlane
        var recorder: RecordingControlPlane?
    }

    private let choice: Mutex<Choice>

    /// - Parameter recorder: set when `plane` is a dry-run recorder (then pass it as both).
    public init(plane: any ControlPlane, recorder: RecordingControlPlane? = nil) {
        choice = Mutex(Choice(plane: plane, recorder: recorder))
    }

    /// Where calls go now.
    public var current: any ControlPlane { choice.withLock { $0.plane } }

    /// The recorder when calls are being recorded (dry run), nil when they are sent.
    public var recorder: RecordingControlPlane? { choice.withLock { $0.recorder } }

    /// Whether calls are being recorded instead of sent.
    public var isDryRun: Bool { recorder != nil }

    /// Switches where calls go.
    public func select(_ plane: any ControlPlane, recorder: RecordingControlPlane?) {
        choice.withLock { $0 = Choice(plane: plane, recorder: recorder) }
    }
}
