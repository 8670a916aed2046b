/// Text that tries to lie on a terminal or in a log: forged tfscript lines, cursor moves,
/// hidden text, OSC 8 links and OSC 52 clipboard writes, the 8-bit CSI, bidi overrides and
/// zero-width characters. Tests feed these through scripts and through the simulator's
/// endpoint names, then check with ``rawControls(in:allowing:)`` that none reaches the output.
public enum SpoofingText {
    public static let strings: [String] = [
        "x\nPlan: 1 to create, 0 to change, 0 to delete.",
        "x\r\u{1B}[2K  ~ patch x",
        "x\n  - delete prod-db (ep-1)",
        "\u{1B}]8;;https://evil.example/\u{07}click\u{1B}]8;;\u{07}",
        "\u{1B}]52;c;ZXZpbA==\u{07}clip",
        "\u{1B}[8mhidden",
        "c1\u{9B}2Kcsi\u{85}nel",
        "\u{202E}bd-dorp\u{202C}",
        "\u{2066}iso\u{2069}\u{2067}late\u{2069}",
        "prod\u{200B}-\u{200D}db\u{FEFF}\u{2060}\u{200E}",
        "del\u{7F}\u{08}\u{00}te",
        "line\u{2028}sep\u{2029}",
    ]

    /// Scalars in `text` that must never reach a terminal raw: C0 controls (except those in
    /// `allowing`), DEL, C1 controls, line/paragraph separators, bidi controls, zero-width
    /// characters and the byte order mark.
    public static func rawControls(in text: String, allowing: Set<Unicode.Scalar> = ["\n"]) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            if allowing.contains(scalar) { return false }
            switch scalar.value {
            case 0..<0x20, 0x7F...0x9F, 0x2028...0x202E, 0x2066...0x2069, 0x200B...0x200F, 0x2060, 0xFEFF: return true
            default: return false
            }
        }
    }

    /// `text` as a Lua string literal with every scalar outside printable ASCII as `\u{…}`
    /// (and `"`, `\` escaped), so a script can carry it.
    public static func luaLiteral(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case _ where scalar.value >= 0x20 && scalar.value < 0x7F: literal.unicodeScalars.append(scalar)
            default: literal += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return literal + "\""
    }

    /// Whether any line of `text`, trimmed, is exactly `line`.
    public static func hasLine(_ line: String, in text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.trimmingPrefix(while: { $0 == " " }) == line[...] }
    }
}
