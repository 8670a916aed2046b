public import TFScriptLuaHost

/// How a run ended, with the exit code DESIGN.md §4 assigns. Wording for people is the
/// caller's (the CLI prefixes `tfscript: `; `TFScript` hands the message to the embedder).
public enum ScriptOutcome: Sendable {
    /// The script returned normally (exit 0).
    case success
    /// An uncaught error or a syntax error (exit 1): `script.lua:LINE: message` + traceback.
    case scriptError(LuaError)
    /// A limit ended the run (exit 3).
    case limitExceeded(LuaLimit, message: String)
    /// The command line or the script file was unusable (exit 2).
    case usageError(String)
    /// The host could not set up the run (exit 1), e.g. the sandbox self-check failed.
    case internalError(String)

    /// The process exit code; an uncaught `tf` error of kind api or transport exits 4,
    /// one of kind configuration (no API token) exits 2.
    public var exitCode: Int32 {
        switch self {
        case .success: 0
        case .scriptError(let error) where ScriptError.exitCode(forUncaught: error.value) != nil:
            ScriptError.exitCode(forUncaught: error.value)!
        case .scriptError, .internalError: 1
        case .usageError: 2
        case .limitExceeded: 3
        }
    }
}
