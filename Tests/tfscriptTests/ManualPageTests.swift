import Foundation
import Testing
@testable import tfscript

/// `tfscript help --man`: the manual page, printed by the binary from its help text.
struct ManualPageTests {
    @Test("help --man is the manual command; the page has every visible command in a section of its own")
    func page() throws {
        #expect(try TFScriptCommand.parseRunningArgumentsApart(["help", "--man"]) is ManualCommand)
        let page = ManualCommand.page(date: "2026-12-06")
        #expect(page.hasPrefix(".TH TFSCRIPT 1 \"2026-12-06\" \"tfscript \(TFScriptCommand.version)\""))
        for section in ["tfscript run", "tfscript endpoints patch", "tfscript templates list", "tfscript config profiles", "tfscript apply"] {
            #expect(page.contains("\n.SS \(section)\n"), "missing \(section)")
        }
        #expect(!page.contains(".SS tfscript manual"))
        // Inside the preformatted help, no line is taken for a roff request.
        let requests: Set<String> = [".TH", ".SH", ".SS", ".nf", ".fi", ".B", ".I"]
        for line in page.split(separator: "\n") where line.hasPrefix(".") || line.hasPrefix("'") {
            #expect(requests.contains(String(line.split(separator: " ").first ?? "")), "unescaped line: \(line)")
        }
    }

    @Test("text that looks like roff is escaped")
    func escaping() {
        #expect(ManualCommand.escaped(".SH hack") == "\\&.SH hack")
        #expect(ManualCommand.escaped("'quoted") == "\\&'quoted")
        #expect(ManualCommand.escaped("a\\b") == "a\\eb")
    }
}
