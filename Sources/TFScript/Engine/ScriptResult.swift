/// How a run ended and what it produced. A run never throws: every failure is a result with
/// an exit code from the CLI's table (DESIGN.md §4), so embedders and `tfscript` agree.
public struct ScriptResult: Sendable {
    /// 0 ok · 1 script error · 2 usage error (unreadable script, no API token) · 3 limit
    /// exceeded, interrupted or cancelled · 4 API/transport failure the script did not handle.
    public var exitCode: Int32
    /// Why the run ended, for branching without parsing ``error``.
    public var status: ScriptStatus
    /// Everything the script printed, when ``ScriptOptions/output`` is nil (else empty).
    public var output: String
    /// What the main chunk returned, in the `tf.json` mapping; values JSON cannot hold
    /// (functions, coroutines) read as their type name.
    public var values: [JSONValue]
    /// Under dry-run: the recorded operations, in order (also when the script failed, so the
    /// caller sees how far it got; such a plan is incomplete and should not be applied).
    public var plan: Plan?
    /// The diagnostic when the run failed: `script.lua:LINE: message` and a traceback for a
    /// script error, the limit's message (`timeout of 5s exceeded`) for a limit.
    public var error: String?
    /// Whether `print` output was cut at ``ScriptOptions/maxOutput``.
    public var outputTruncated: Bool
    /// Host-module mutations a dry run did not call (`chat.say`), in call order.
    public var skippedMutations: [String]
    /// Why some of ``values`` are only type names: one message per returned value JSON cannot
    /// hold (`result mixes array items and named keys, which JSON cannot represent`), so a
    /// caller printing the values as JSON can refuse clearly instead of printing `"table"`.
    public var valueProblems: [String] = []
    /// The failure's parts (message, script, line, traceback) for machine-readable reports;
    /// nil when the run succeeded. ``error`` is the same failure as one text for people.
    public var failure: ScriptFailure?
    /// Creates, patches and deletes this run sent to the API, refused ones included (0 under
    /// dry-run): what a scheduled run's summary reports as `changes_sent`.
    public var changesSent: Int = 0
    /// Under dry-run, the changes recorded in ``plan`` (else 0): `changes_planned`.
    public var changesPlanned: Int = 0
    /// API attempts that were retries of a failed one (429, 5xx, lost connections): a run that
    /// succeeds only after many retries is a warning sign a monitor should see.
    public var retries: Int = 0
}

/// Why a run ended. A struct with static values rather than an enum, so new reasons can be
/// added without breaking embedders' `switch` statements.
public struct ScriptStatus: Hashable, Sendable, CustomStringConvertible {
    /// The stable name (`"limit-exceeded"`), for logs and metrics.
    public let rawValue: String
    /// A status by name; prefer the static values.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The stable name.
    public var description: String { rawValue }

    /// The script returned normally.
    public static let ok = ScriptStatus(rawValue: "ok")
    /// An uncaught error or a syntax error; also an unhandled `tf` API or transport error.
    public static let scriptError = ScriptStatus(rawValue: "script-error")
    /// A guardrail (`--max-changes`, `--protect`) refused a change (exit code 7).
    public static let guardrailRefused = ScriptStatus(rawValue: "guardrail-refused")
    /// The memory limit or the timeout ended the run.
    public static let limitExceeded = ScriptStatus(rawValue: "limit-exceeded")
    /// The Swift task awaiting the run was cancelled, or ``ScriptSession/interrupt()`` was called.
    public static let interrupted = ScriptStatus(rawValue: "interrupted")
    /// The script could not be read.
    public static let usageError = ScriptStatus(rawValue: "usage-error")
    /// The host could not set the run up (e.g. the sandbox self-check failed).
    public static let internalError = ScriptStatus(rawValue: "internal-error")
}
