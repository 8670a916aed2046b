import TFScriptLuaHost

/// Why a run failed, in parts, so a log shipper or monitor gets fields instead of parsing the
/// diagnostic (`tfscript run --log-format json` writes them as one record).
public struct ScriptFailure: Sendable, Equatable {
    /// The error message without the `script.lua:LINE:` prefix (control characters escaped,
    /// at most ``LuaError/maxShownMessageBytes`` bytes of it shown).
    public var message: String
    /// The chunk the error points at: the script's path, or a required module's.
    public var script: String?
    /// The line in ``script``.
    public var line: Int?
    /// Lua's traceback frames, outermost last (`script.lua:3: in main chunk`), without the
    /// `stack traceback:` header; empty for limits and for failures before the script ran.
    public var traceback: [String]

    /// A failure from its parts (custom front ends and tests; runs build their own).
    public init(message: String, script: String? = nil, line: Int? = nil, traceback: [String] = []) {
        self.message = message
        self.script = script
        self.line = line
        self.traceback = traceback
    }

    /// The parts of a Lua error: the position comes from the message's `chunk:LINE:` prefix,
    /// else from the first Lua frame of the traceback (an error raised with level 0, a table).
    init(_ error: LuaError) {
        // Bounded like the error's own description (a script chooses the message's length).
        let cap = LuaError.maxShownMessageBytes
        let text = DisplayText.escapingControlCharacters(error.message, keepingTabs: true, maxBytes: cap)
        let frames = error.traceback.split(separator: "\n").dropFirst().map {
            DisplayText.escapingControlCharacters(String($0.drop { $0 == "\t" }), keepingTabs: true, maxBytes: cap)
        }
        if let (chunk, line, rest) = Self.position(in: text) {
            self.init(message: rest, script: chunk, line: line, traceback: frames)
        } else if let frame = frames.lazy.compactMap(Self.position(in:)).first {
            self.init(message: text, script: frame.chunk, line: frame.line, traceback: frames)
        } else {
            self.init(message: text, traceback: frames)
        }
    }

    /// `chunk:LINE: rest` split into its parts (nil when the text has no such prefix).
    static func position(in text: String) -> (chunk: String, line: Int, rest: String)? {
        var search = text.startIndex
        while let colon = text[search...].firstIndex(of: ":") {
            let digits = text[text.index(after: colon)...].prefix { $0.isASCII && $0.isNumber }
            let after = digits.endIndex
            if !digits.isEmpty, after < text.endIndex, text[after] == ":", let line = Int(digits), colon > text.startIndex {
                let chunk = String(text[..<colon])
                guard !chunk.hasPrefix("[C]") else { return nil }
                let rest = text[text.index(after: after)...].drop { $0 == " " }
                return (chunk, line, String(rest))
            }
            search = text.index(after: colon)
        }
        return nil
    }
}
