@testable import TFScriptRuntime
import Testing

struct GlobPatternTests {
    @Test("globs match whole names", arguments: [
        ("test-*", "test-llama", true),
        ("test-*", "prod-test-llama", false),
        ("*-llama", "test-llama", true),
        ("t?st-*", "tost-x", true),
        ("exact", "exact", true),
        ("exact", "exactly", false),
        ("*", "", true),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
    ])
    func glob(pattern: String, name: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(name) == expected)
    }

    @Test("globs agree with a backtracking reference on every short pattern and name")
    func reference() {
        func reference(_ p: ArraySlice<Character>, _ t: ArraySlice<Character>) -> Bool {
            guard let first = p.first else { return t.isEmpty }
            if first == "*" { return reference(p.dropFirst(), t) || (!t.isEmpty && reference(p, t.dropFirst())) }
            guard let c = t.first, first == "?" || first == c else { return false }
            return reference(p.dropFirst(), t.dropFirst())
        }
        let alphabet: [Character] = ["a", "b", "*", "?"]
        func all(_ length: Int, _ letters: [Character]) -> [String] {
            length == 0 ? [""] : all(length - 1, letters).flatMap { prefix in letters.map { prefix + String($0) } }
        }
        let patterns = (0...5).flatMap { all($0, alphabet) }
        let names = (0...5).flatMap { all($0, ["a", "b"]) } + ["é", "aé", "🙂b"]
        for pattern in patterns {
            let glob = GlobPattern(pattern)
            for name in names where glob.matches(name) != reference(ArraySlice(pattern), ArraySlice(name)) {
                Issue.record("\(pattern) against \(name)")
            }
        }
        #expect(GlobPattern(String(repeating: "?", count: 70) + "*x").matches(String(repeating: "y", count: 80) + "x"))
        #expect(!GlobPattern(String(repeating: "?", count: 70) + "*x").matches(String(repeating: "y", count: 69) + "x"))
    }

    @Test("matching is linear in the name: a backtracking pattern against a long name is fast")
    func linear() {
        // The star-backtracking matcher took O(name × pattern) here: ~10^8 steps (minutes in a
        // debug build); the automaton takes 17 word operations a character.
        let pattern = GlobPattern(String(repeating: "*a", count: 500) + "*b")
        let name = String(repeating: "a", count: 100_000)
        let start = ContinuousClock.now
        #expect(!pattern.matches(name))
        #expect(pattern.matches(name + "b"))
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}
