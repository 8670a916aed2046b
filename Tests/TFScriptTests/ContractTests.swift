import Testing
import TestSupport
import TFScript
import TFScriptSimulation

/// The embedding contract of issue 11, written exactly as the issue writes it: if this file
/// stops compiling, embedders' code stops compiling.
struct ContractTests {
    static let posted = Recorder<String>()
    static func post(_ text: String) async { posted.append(text) }

    @Test("the issue's example compiles and works as written")
    func contract() async throws {
        let source = "chat.say('stopping ' .. select('#', ...) .. ' pattern(s): ' .. ...) tf.endpoints.patch('ep-demo-07', {enabled = false}) print('done') return 1"
        let engine = try await ScriptEngine(controlPlane: .simulator())
        var options = ScriptOptions()
        options.dryRun = true
        options.timeout = .seconds(5)
        options.memoryLimit = 64 << 20
        options.arguments = ["test-*"]                      // the chunk's `...` and arg[1...]
        options.modules = [
            HostModule("chat", functions: [                   // @Sendable ([JSONValue]) async throws -> [JSONValue]
                "say": { args in await Self.post(args.first?.stringValue ?? ""); return [] },
            ]),
        ]
        let result = await engine.run(.text(source, name: "nightly.lua"), options: options)  // or .file(path)
        let exitCode: Int32 = result.exitCode
        let output: String = result.output
        let values: [JSONValue] = result.values
        let plan: Plan? = result.plan
        let error: String? = result.error
        try await engine.shutdown()

        #expect(exitCode == 0)
        #expect(output == "done\n")
        #expect(values == [.integer(1)])
        #expect(plan?.operations.map(\.target) == ["ep-demo-07"])
        #expect(error == nil)
        #expect(Self.posted.all == ["stopping 1 pattern(s): test-*"])
    }
}
