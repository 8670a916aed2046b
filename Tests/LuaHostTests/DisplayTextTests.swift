import TestSupport
import TFScriptLuaHost
import Testing

/// The one rendering rule for text people read (issue 19, class 1).
struct DisplayTextTests {
    @Test("every spoofing string is shown without a raw control, bidi or invisible character, on one line")
    func spoofingStringsAreEscaped() {
        for text in SpoofingText.strings {
            let shown = DisplayText.escapingControlCharacters(text)
            #expect(SpoofingText.rawControls(in: shown, allowing: []).isEmpty, "\(shown.debugDescription)")
            #expect(DisplayText.escapedByteCount(text) == shown.utf8.count)
            let quoted = DisplayText.quoted(text)
            #expect(SpoofingText.rawControls(in: quoted, allowing: []).isEmpty, "\(quoted.debugDescription)")
        }
        #expect(DisplayText.escapingControlCharacters("a\u{9B}b\u{202E}c\u{200B}d\u{FEFF}") == "a\\u{9b}b\\u{202e}c\\u{200b}d\\u{feff}")
        #expect(DisplayText.escapingControlCharacters("café ünïcode 東京 🙂") == "café ünïcode 東京 🙂") // printable text is untouched
    }

    @Test("a quoted name shows where it ends: quotes and backslashes inside it are escaped")
    func quoting() {
        #expect(DisplayText.quoted("prod-db") == "\"prod-db\"")
        #expect(DisplayText.quoted("a\" (ep-1)\nPlan: x") == #""a\" (ep-1)\nPlan: x""#)
        #expect(DisplayText.quoted(#"a\nb"#) == #""a\\nb""#) // a literal backslash-n is not a line break
    }

    @Test("a script's error without a position never starts like tfscript's own lines")
    func scriptErrorShape() {
        #expect(DisplayText.scriptError("script.lua:3: boom") == "script.lua:3: boom")
        #expect(DisplayText.scriptError("tfscript: timeout of 3s exceeded") == "script error: tfscript: timeout of 3s exceeded")
        #expect(DisplayText.scriptError("tfscript: x.lua:1: y") == "script error: tfscript: x.lua:1: y")
        #expect(DisplayText.scriptError("TFSCRIPT:1: y").hasPrefix("script error: "))
        #expect(DisplayText.scriptError("Plan: 1 to create, 0 to change, 0 to delete.").hasPrefix("script error: "))
        #expect(DisplayText.scriptError("boom\nstack traceback:\n\tscript.lua:1: in main chunk") .hasPrefix("script error: boom\n"))
    }
}
