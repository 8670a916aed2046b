/// Text a script chose (error messages, chunk names, log messages), made safe to show on one
/// line of a terminal or a log: line breaks and other control characters become visible
/// escapes, so a script cannot print a line that looks like tfscript's own.
public enum DisplayText {
    /// `text` with `\n`, `\r`, C0/C1 control characters, DEL and the Unicode line and paragraph
    /// separators escaped (`\n`, `\r`, `\u{1b}`); tabs too unless `keepingTabs`.
    public static func escapingControlCharacters(_ text: String, keepingTabs: Bool = false) -> String {
        let isControl: (Unicode.Scalar) -> Bool = { scalar in
            if keepingTabs && scalar == "\t" { return false }
            return scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t" where !keepingTabs: result += "\\t"
            case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
