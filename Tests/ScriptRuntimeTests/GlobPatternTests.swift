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
}
