/// Text a script chose (error messages, chunk names, log messages), made safe to show on one
/// line of a terminal or a log: line breaks and other control characters become visible
/// escapes, so a script cannot print a line that looks like tfscript's own.
public enum DisplayText {
    /// `text` with `\n`, `\r`, C0/C1 control characters, DEL and the Unicode line and paragraph
    /// separators escaped (`\n`, `\r`, `\u{1b}`); tabs too unless `keepingTabs`.
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
    /// that fit followed by `… (N more bytes not shown)`: for text shown as it is (the REPL's
    /// error lines) that a script can make as long as its memory.
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

    private static func isControlScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
