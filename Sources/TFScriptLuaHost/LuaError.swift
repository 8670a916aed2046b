/// Which limit ended a run; limits are sticky and scripts cannot catch them.
public enum LuaLimit: Sendable, Hashable {
    case memory
    case timeout
    /// ``LuaInterruptHandle/requestInterrupt()`` was called (the REPL's Ctrl-C).
    case interrupt
}

/// A failure of Lua code the host ran: a syntax error, an uncaught runtime error or a limit.
///
/// `value` is a copy of the error object (a string, or a table such as an API error, so the
/// runner can map it to an exit code), `message` its text computed under protection (a throwing
/// `__tostring` falls back to a description) and `traceback` Lua's `stack traceback:` lines.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: Sendable, Hashable {
        case syntax
        case runtime
        case limit(LuaLimit)
        /// The error value could not be turned into text (error in the message handler).
        case errorHandling
    }

    public var kind: Kind
    public var message: String
    public var traceback: String
    public var value: LuaValue

    public init(kind: Kind, message: String, traceback: String = "", value: LuaValue? = nil) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.value = value ?? .string(LuaString(message))
    }

    /// The limit this error reports, if any.
    public var limit: LuaLimit? {
        if case .limit(let l) = kind { return l }
        return nil
    }

    /// The diagnostic for people and logs: the message, then the traceback, one line per frame.
    ///
    /// The text comes from the script (its error message, chunk names it gave `load`), so line
    /// breaks and other control characters inside it are shown escaped: a script cannot print a
    /// line on stderr that looks like tfscript's own (`tfscript: timeout … exceeded`).
    public var description: String {
        let shown = Self.escaped(message)
        guard !traceback.isEmpty else { return shown }
        // Lua starts every frame line with a tab; any other line break is part of a name.
        var lines: [String] = []
        for (index, line) in traceback.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0, !line.hasPrefix("\t"), !lines.isEmpty {
                lines[lines.count - 1] += "\\n" + Self.escaped(String(line))
            } else {
                lines.append(index == 0 ? String(line) : "\t" + Self.escaped(String(line.dropFirst())))
            }
        }
        return shown + "\n" + lines.joined(separator: "\n")
    }

    /// The most bytes of a message shown (escaped): a script can raise a string as long as its
    /// memory, and showing all of it (up to 6 bytes per control byte) put tens of megabytes on
    /// stderr. Past this, the text ends in `… (N more bytes not shown)`.
    public static let maxShownMessageBytes = 64 << 10

    static func escaped(_ text: String) -> String {
        DisplayText.escapingControlCharacters(text, keepingTabs: true, maxBytes: maxShownMessageBytes)
    }
}

/// An error a host function throws to raise a specific Lua value.
///
/// Conform your own error types (e.g. API errors as tables with a `__tostring` metatable) so
/// scripts can `pcall` them and read fields. Any other thrown error is raised as its
/// `String(describing:)` text.
public protocol LuaErrorConvertible: Error {
    /// The value raised in Lua: usually a string, or a table with a ``LuaTable/metatableName``.
    var luaErrorValue: LuaValue { get }
    /// Whether the trampoline adds the calling script position: a `chunk:line: ` prefix for
    /// strings, a `where = "chunk:line"` field for tables that lack one.
    var annotatesLocation: Bool { get }
}

extension LuaErrorConvertible {
    public var annotatesLocation: Bool { true }
}

/// The simplest ``LuaErrorConvertible``: a message or any value.
public struct LuaHostError: LuaErrorConvertible, CustomStringConvertible {
    public var luaErrorValue: LuaValue
    public var annotatesLocation: Bool

    /// A string error, prefixed with the script position (like `luaL_error`).
    public init(_ message: String, annotatesLocation: Bool = true) {
        self.luaErrorValue = .string(LuaString(message))
        self.annotatesLocation = annotatesLocation
    }

    /// Any value, e.g. a table with a metatable name.
    public init(value: LuaValue, annotatesLocation: Bool = true) {
        self.luaErrorValue = value
        self.annotatesLocation = annotatesLocation
    }

    public var description: String { luaErrorValue.description }
}

/// Rethrowing a ``LuaError`` from a host function re-raises the original value unchanged.
extension LuaError: LuaErrorConvertible {
    public var luaErrorValue: LuaValue { value }
    public var annotatesLocation: Bool { false }
}

/// A value that cannot cross the boundary (cycle, too deep, too many values).
public struct LuaValueError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
