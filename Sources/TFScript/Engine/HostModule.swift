/// A Swift function scripts can call: JSON values in, JSON values out.
///
/// It may suspend (`await` I/O): the script's Lua thread waits for it, or, inside a
/// `tf.parallel` worker, only that worker waits while the others go on. It runs on Swift
/// concurrency's pool, never on the Lua thread, so it cannot touch the Lua state. A thrown
/// error becomes a Lua error at the calling line (`script.lua:LINE: chat.say: <error>`) that the
/// script can `pcall`. The run's timeout, memory limit and cancellation still apply while it
/// waits: the call is cancelled (its task sees `Task.isCancelled`) and the run ends.
public typealias HostFunction = @Sendable ([JSONValue]) async throws -> [JSONValue]

/// A global table of host functions a script can call (`chat.say("hi")`), registered per run
/// through ``ScriptOptions/modules``.
///
/// Arguments arrive as ``JSONValue`` with the `tf.json` mapping (a Lua integer stays an
/// integer, `tf.json.null` is `.null`, `nil` is `.null`); a value JSON cannot hold (a function,
/// a cyclic table) fails the call with an error naming the argument. Results come back the
/// same way, as several return values.
public struct HostModule: Sendable {
    /// The global's name; dots make nested tables (`"ops.chat"` is `ops.chat.say`).
    public var name: String
    /// The module's functions by name.
    public var functions: [String: HostFunction]
    /// Functions that change something outside the script. Under dry-run they are not called:
    /// the call returns nothing and is listed in ``ScriptResult/skippedMutations``, as `tf`
    /// mutations are recorded instead of sent.
    public var mutations: Set<String>

    /// A module `name` with `functions`; the names in `mutations` are skipped under dry-run.
    public init(_ name: String, functions: [String: HostFunction], mutations: Set<String> = []) {
        self.name = name
        self.functions = functions
        self.mutations = mutations
    }
}
