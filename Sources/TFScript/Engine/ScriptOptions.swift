public import Logging
public import TFScriptRuntime

/// How one run (or session) goes: dry-run, limits, what the script sees, where output goes.
///
/// Every field is defaulted to what `tfscript run` does without flags, so `ScriptOptions()` is
/// a sandboxed live run with a 256 MiB memory limit, no timeout and output captured.
public struct ScriptOptions: Sendable {
    /// Record `tf` mutations into ``ScriptResult/plan`` instead of sending them; reads still go
    /// to the control plane. Host-module functions flagged as mutations are not called.
    public var dryRun = false
    /// Wall-clock budget for the run; past it the script stops (exit 3). Nil: none.
    public var timeout: Duration?
    /// Bytes the Lua heap (and API data held for the script) may use; exceeding it ends the
    /// run (exit 3), never the host. Nil: no limit (only for trusted scripts).
    public var memoryLimit: Int? = 256 << 20
    /// Bytes `print` may write; past it output is cut and ``ScriptResult/outputTruncated`` set.
    /// `tf.log` records have their own cap of the same size. Nil: unbounded.
    public var maxOutput: Int? = 16 << 20
    /// The main chunk's `...` and `arg[1...]` (`arg[0]` is the script's name).
    public var arguments: [String] = []
    /// The script arguments as bytes; when set, they replace ``arguments``. Lua strings are
    /// bytes, and an argument that is not UTF-8 (a Latin-1 file name) must reach `arg` as
    /// given, as with `lua5.4`; a Swift `String` would turn such bytes into U+FFFD. The CLI
    /// sets it from the process's raw `argv`.
    public var argumentBytes: [[UInt8]]?
    /// `tf.vars`: named string values for the script (the CLI's `--var key=value`).
    public var vars: [String: String] = [:]
    /// The variables `os.getenv` returns, with their values; all others read as nil. The
    /// library never reads the process's environment: the CLI passes what `--env NAME` names.
    public var environment: [String: String] = [:]
    /// Seeds `math.random` for reproducible runs; nil seeds randomly.
    public var seed: Int64?
    /// Folders `require` loads Lua source from (after a file script's own folder).
    public var libraryPaths: [String] = []
    /// Host modules the script can call, installed as globals before it loads.
    public var modules: [HostModule] = []
    /// Where `print` goes; nil captures it into ``ScriptResult/output`` (kept in memory, so
    /// keep ``maxOutput`` set when scripts may print a lot).
    public var output: OutputSink?
    /// Where `tf.log` records go; nil uses the engine's logger (which logs nothing by default).
    public var logger: Logger?
    /// `--max-changes` and `--protect`: changes refused before they are sent (or recorded, under
    /// dry-run), whatever the script does; a refusal ends the run with exit code 7.
    public var guardrails = Guardrails()
    /// The write-ahead journal of a live run's mutations (ignored under dry-run and by custom
    /// control planes, which journal themselves if they need to).
    public var journal: Journal?
    /// Told how each `tf.endpoints.wait` is going: after every poll, and once when it ends
    /// (the CLI redraws one line on a terminal, and logs state changes otherwise). Called on
    /// the run's threads; keep it quick.
    public var waitProgress: (@Sendable (WaitProgress) -> Void)?
    /// Told of each create, patch and delete a live run made, once the server accepted it: a
    /// ``PlanOperation`` with the body sent, the server's answer (`after`) and the endpoint as
    /// the run last read it (`before`, nil when it never did). `PlanRenderer.changeLine` draws
    /// it as the CLI does (`~ patched "web" (ep-1): scaling.min_replicas 1 → 0`). Not called
    /// under dry-run (the plan holds those). Called on the run's threads; keep it quick.
    public var changes: (@Sendable (PlanOperation) -> Void)?
    /// The time `tf.sleep` and `tf.endpoints.wait` use; nil means real time. Inject a virtual
    /// clock to test scripts that wait (TestSupport's `SimulatedClock`); `timeout` always
    /// stays on real time.
    public var clock: ScriptClock?
    /// The endpoint operations scripts can call: the built-in ones, unless a test of this
    /// package adds one (declared as an ``EndpointOperation``).
    package var operations: [EndpointOperation] = EndpointOperation.builtIn

    /// The defaults of `tfscript run` without flags; set what you need field by field.
    public init() {}
}
