import Testing
import TestSupport
import TFScript

struct EngineRunTests {
    @Test("a run from a string captures print, returns the main chunk's values and exit 0")
    func capturesOutputAndValues() async throws {
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "print('hello', ...) return 1, 'two', {3}", { $0.arguments = ["a", "b"] })
            #expect(result.exitCode == 0)
            #expect(result.status == .ok)
            #expect(result.output == "hello\ta\tb\n")
            #expect(result.values == [.integer(1), .string("two"), .array([.integer(3)])])
            #expect(result.error == nil)
            #expect(result.plan == nil)
        }
    }
}
