/// Text a script or the server chose (error messages, chunk names, log messages, endpoint
/// names and ids), made safe to show on one line of a terminal or a log: line breaks and
/// other control characters become visible escapes, so such text cannot print a line that
/// looks like tfscript's own, move the cursor, change colours, hide text, write the clipboard
/// (OSC 52), make links (OSC 8) or reorder what a person reads (bidi overrides).
///
/// The one rendering rule for text people read: every writer of such text (the plan, apply's
/// progress, the wait line, text logs, errors, tables, the REPL) goes through here.
public enum DisplayText {
    /// `text` with `\n`, `\r`, C0/C1 control characters, DEL, the Unicode line and paragraph
    /// separators, bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and
    /// invisible format characters (zero-width space, joiners and marks U+200B–200F, U+2060–2064,
    /// U+FEFF, …; see ``isEscaped(_:)``) escaped (`\n`, `\r`, `\u{1b}`, `\u{202e}`); tabs too
    /// unless `keepingTabs`.
    public static func escapingControlCharacters(_ text: String, keepingTabs: Bool = false) -> String {
        escapingControlCharacters(text, keepingTabs: keepingTabs, maxBytes: .max)
    }

    /// The escaped text, cut to at most about `maxBytes` bytes of UTF-8 when longer, ending
    /// then in `… (N more bytes not shown)`: a script's text can be as long as its memory,
    /// and escaping makes it up to 6 times longer, so what is shown of it is bounded here, in
    /// one place, rather than by every writer. Work is proportional to what is shown, not to
    /// the text (only its length is read past the cut).
    public static func escapingControlCharacters(_ text: String, keepingTabs: Bool = false, maxBytes: Int) -> String {
        let isControl: (Unicode.Scalar) -> Bool = { scalar in
            if keepingTabs && scalar == "\t" { return false }
            return isControlScalar(scalar)
        }
        let room = max(0, maxBytes)
        if text.utf8.count <= room, !text.unicodeScalars.contains(where: isControl) { return text }
        var result = ""
        var written = 0 // bytes of `result`
        var shown = 0 // bytes of `text` consumed
        for scalar in text.unicodeScalars {
            let escape: String?
            switch scalar {
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t" where !keepingTabs: escape = "\\t"
            case _ where isControl(scalar): escape = "\\u{\(String(scalar.value, radix: 16))}"
            default: escape = nil
            }
            let size = escape?.utf8.count ?? UTF8.width(scalar)
            if written + size > room {
                return result + "… (\(text.utf8.count - shown) more bytes not shown)"
            }
            if let escape { result += escape } else { result.unicodeScalars.append(scalar) }
            written += size
            shown += UTF8.width(scalar)
        }
        return result
    }

    /// `text` unchanged when at most `maxBytes` bytes of UTF-8, else its first characters
    /// that fit followed by `… (N more bytes not shown)`: for text shown as it is that a script
    /// can make as long as its memory (text people read goes through the escaping functions).
    public static func cut(_ text: String, maxBytes: Int) -> String {
        let total = text.utf8.count
        guard total > maxBytes else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: max(0, maxBytes))
        while end > text.utf8.startIndex, text.utf8[end] & 0xC0 == 0x80 { end = text.utf8.index(before: end) }
        let kept = String(String.UnicodeScalarView(text.unicodeScalars[..<end]))
        return kept + "… (\(total - kept.utf8.count) more bytes not shown)"
    }

    /// How many bytes of UTF-8 ``escapingControlCharacters(_:keepingTabs:)`` makes of `text`,
    /// without building it: for charging a text to an output cap by what is written.
    public static func escapedByteCount(_ text: String, keepingTabs: Bool = false) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r": count += 2
            case "\t": count += keepingTabs ? 1 : 2
            case _ where isControlScalar(scalar): count += 4 + String(scalar.value, radix: 16).utf8.count
            default: count += UTF8.width(scalar)
            }
        }
        return count
    }

    /// `text` with each of its lines escaped on its own (line breaks and tabs kept): for
    /// tfscript's own multi-line messages that hold text from a script or the server (a
    /// traceback, a server's error), so no other control, bidi or invisible character of
    /// theirs reaches the terminal. What must not start a line of its own is escaped before.
    public static func escapingControlCharactersByLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 != "\n" && $0 != "\t" && isControlScalar($0) }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { escapingControlCharacters(String($0), keepingTabs: true) }
            .joined(separator: "\n")
    }

    /// `text` escaped and between double quotes (`"prod-db"`), with `"` and `\` escaped too:
    /// for a name shown inside one of tfscript's own lines (`- delete "prod-db" (ep-1)`), so
    /// where the name ends is never in doubt, whatever it holds.
    public static func quoted(_ text: String, maxBytes: Int = 256) -> String {
        var inner = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": inner += "\\\""
            case "\\": inner += "\\\\"
            default: inner.unicodeScalars.append(character)
            }
        }
        return "\"" + escapingControlCharacters(inner, maxBytes: maxBytes) + "\""
    }

    /// What a script's uncaught error is shown as, so it can never look like one of
    /// tfscript's own lines (which start `tfscript: `, or are the plan's and the summary's):
    /// `text` (already escaped, so one line, then any traceback lines) as it is when it starts
    /// with the script's position `NAME:LINE:` (what `error("msg")` makes); otherwise (an
    /// error raised with level 0 or a table, or a position naming `tfscript…`) it is prefixed
    /// with `script error: `. `error("tfscript: timeout of 3s exceeded", 0)` is shown as
    /// `script error: tfscript: timeout of 3s exceeded`.
    public static func scriptError(_ text: String) -> String {
        hasScriptPosition(text) ? text : scriptErrorPrefix + text
    }

    /// The prefix of a script's error that carries no position of its own.
    public static let scriptErrorPrefix = "script error: "

    /// Whether `text` starts `NAME:LINE:` with a non-empty NAME not starting `tfscript`.
    static func hasScriptPosition(_ text: String) -> Bool {
        let firstLine = text.prefix { $0 != "\n" }
        guard !firstLine.lowercased().hasPrefix("tfscript"), !firstLine.hasPrefix(scriptErrorPrefix) else { return false }
        var search = firstLine.startIndex
        while let colon = firstLine[search...].firstIndex(of: ":") {
            let digits = firstLine[firstLine.index(after: colon)...].prefix { $0.isASCII && $0.isNumber }
            if colon > firstLine.startIndex, !digits.isEmpty, digits.endIndex < firstLine.endIndex, firstLine[digits.endIndex] == ":" {
                return true
            }
            search = firstLine.index(after: colon)
        }
        return false
    }

    /// Whether ``escapingControlCharacters(_:keepingTabs:)`` shows `scalar` as an escape: C0
    /// and C1 controls, DEL, line and paragraph separators, bidi controls, and characters that
    /// show nothing yet change what is shown or compared (zero-width space and joiners, marks,
    /// word joiner and invisible operators, byte order mark, soft hyphen, Arabic letter mark,
    /// Mongolian vowel separator, deprecated format characters, interlinear annotations, tags).
    public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool { isControlScalar(scalar) }

    private static func isControlScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F: return true // C0, DEL, C1 (0x9B is the 8-bit CSI)
        case 0xAD, 0x061C, 0x180E: return true // soft hyphen, Arabic letter mark, Mongolian vowel separator
        case 0x200B...0x200F: return true // zero-width space, ZWNJ, ZWJ, LRM, RLM
        case 0x2028...0x202E: return true // line/paragraph separators, bidi embeddings and overrides
        case 0x2060...0x206F: return true // word joiner, invisible operators, bidi isolates, deprecated format
        case 0xFEFF, 0xFFF9...0xFFFB: return true // byte order mark, interlinear annotations
        case 0xE0000...0xE007F: return true // tags
        default: return false
        }
    }
}
