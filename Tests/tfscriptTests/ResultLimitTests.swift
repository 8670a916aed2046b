import Foundation
import TestSupport
import Testing

/// Issue 18, class 5 (the CLI's part): printing the returned value (`-o json`, `-o table`) is
/// work for the script, so it obeys `--max-output` (what is left after the script's own
/// output) and the timeout; past them nothing is printed and the run ends with exit 3.
struct ResultLimitTests {
    @Test("-o json of a result larger than what is left of --max-output prints nothing and exits 3",
          arguments: ["json", "table"])
    func resultOverOutputCap(format: String) async throws {
        // 5,000 records: far more than the 64 KiB cap as JSON or as a table.
        let source = "print('before') local t = {} for i = 1, 5000 do t[i] = {name = 'endpoint-' .. i, n = i} end return t"
        let result = try await TFScriptProcess.run(["run", "--max-output", "64K", "-o", format, "-e", source])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout == "before\n")
        #expect(result.stderr.contains("tfscript: -o \(format): the result is larger than the 65529 bytes left of --max-output after the script's own output; nothing was printed"), "\(result.stderr)")
    }

    @Test("the cap counts the script's own output first: a result that fits alone may not fit after it")
    func capCountsScriptOutput() async throws {
        let source = "print(string.rep('x', 60000)) return string.rep('y', 10000)"
        let alone = try await TFScriptProcess.run(["run", "--max-output", "64K", "-o", "json", "-e", "return string.rep('y', 10000)"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let after = try await TFScriptProcess.run(["run", "--max-output", "64K", "-o", "json", "-e", source])
        #expect(after.status == 3, "\(after.stderr)")
        #expect(after.stdout.count == 60001)
    }

    @Test("a result that fits is printed whole, as before")
    func resultWithinCap() async throws {
        let result = try await TFScriptProcess.run(["run", "--max-output", "64K", "-o", "json", "-e", "return {1, 2, 3}"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "[1,2,3]\n")
    }
}
