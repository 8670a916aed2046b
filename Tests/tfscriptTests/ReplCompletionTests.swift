import TestSupport
import Testing
@testable import tfscript

/// How the REPL splits the word before the cursor for tab completion, and where history goes.
struct ReplCompletionTests {
    @Test("a bare name completes globals and keywords")
    func bareName() {
        #expect(ReplCompletion.parse("pri") == .init(path: [], base: "", prefix: "pri"))
    }

    @Test("a dotted path completes the fields of the last table, keeping the path")
    func dottedPath() {
        #expect(ReplCompletion.parse("tf.endpoints.li") == .init(path: ["tf", "endpoints"], base: "tf.endpoints.", prefix: "li"))
        #expect(ReplCompletion.parse("tf.") == .init(path: ["tf"], base: "tf.", prefix: ""))
    }

    @Test("a method call completes after ':'")
    func methodCall() {
        #expect(ReplCompletion.parse("s:up") == .init(path: ["s"], base: "s:", prefix: "up"))
    }

    @Test("what is not a name path completes nothing")
    func notAPath() {
        #expect(ReplCompletion.parse("a..b") == nil)
        #expect(ReplCompletion.parse("1.5") == nil)
        #expect(ReplCompletion.parse("a:b.c") == nil)
    }

    @Test("the common prefix of the candidates is what Tab inserts first")
    func commonPrefix() {
        #expect(ReplCompletion.commonPrefix(["tf.endpoints.get", "tf.endpoints.gone"]) == "tf.endpoints.g")
        #expect(ReplCompletion.commonPrefix([]) == "")
    }

    @Test("REPL commands are recognised; goto labels are not commands")
    func commandLines() {
        #expect(ReplCommandLine("  :dry-run  on ") == ReplCommandLine(name: "dry-run", argument: "on"))
        #expect(ReplCommandLine("::label::") == nil)
        #expect(ReplCommandLine("x = 1") == nil)
    }

    @Test("history lives under XDG_STATE_HOME, else ~/.local/state")
    func historyPath() {
        #expect(HistoryFile.path(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/tfscript/history")
        #expect(HistoryFile.path(environment: ["HOME": "/h"]) == "/h/.local/state/tfscript/history")
        #expect(HistoryFile.path(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/tfscript/history")
        #expect(HistoryFile.path(environment: [:]) == nil)
    }
}
