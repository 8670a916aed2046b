/// The Lua source of a run: text the embedder holds, or a file.
///
/// Text needs a name because Lua's messages and tracebacks say `name:LINE:` and `arg[0]` is
/// the name; a file is read when the run starts (a first `#!` line is skipped, as `lua` does).
public enum ScriptSource: Sendable, Equatable {
    /// Source text; `name` is how messages refer to it (`nightly.lua:3: ...`).
    case text(String, name: String = "script.lua")
    /// A script file; `require` also searches its folder.
    case file(String)
    /// Source as bytes, exactly as read (a script piped on stdin): Lua source is bytes, and a
    /// string literal in Latin-1 or any other non-UTF-8 encoding must reach the script as it
    /// is, as with `lua5.4 -`. A UTF-8 byte order mark and a first `#` line are skipped.
    case bytes([UInt8], name: String = "script.lua")

    /// How messages and `arg[0]` name the script.
    public var name: String {
        switch self {
        case .text(_, let name), .bytes(_, let name): name
        case .file(let path): path
        }
    }
}
