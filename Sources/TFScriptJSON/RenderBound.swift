/// How far host rendering done for a script (a table, a JSON text) may go: at most
/// ``maxBytes`` bytes of text, and a stop question asked at every step (a value, a cell, a sort), so
/// a deadline or an interrupt reaches work whose length the script controls.
///
/// Lives in the lowest module the renderers share, so the JSON writer and ``RecordTable``
/// (in TFScriptRuntime) take the same bound; the Lua side answers ``shouldStop`` from its
/// limits (`LuaHostWork.shouldStop(after:)`), the CLI from its own deadline.
public struct RenderBound {
    /// The most bytes of text to produce; rendering stops (and says it was cut) past it.
    public var maxBytes: Int
    /// Asked with the number of steps about to be taken (1 for a value or a cell, the member
    /// count before sorting an object's keys); true ends the rendering early. Counts steps
    /// itself if it checks something costly only every so often.
    public var shouldStop: (Int) -> Bool

    public init(maxBytes: Int = .max, shouldStop: @escaping (Int) -> Bool = { _ in false }) {
        self.maxBytes = max(0, maxBytes)
        self.shouldStop = shouldStop
    }

    /// No cap and no stop: for values the host built itself, already bounded.
    public static var unbounded: RenderBound { RenderBound() }
}
