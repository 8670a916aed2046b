import Synchronization
import Testing
@testable import TFScriptLuaHost

/// `print` reaches the state's sink, and only the sink: LuaHost never writes to stdout.
struct OutputSinkTests {
    final class Collected: Sendable {
        let bytes = Mutex<[UInt8]>([])
        var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    private func state(output: LuaOutputSink?, maxOutput: Int? = 1 << 20) throws -> LuaState {
        try LuaState(configuration: LuaStateConfiguration(
            memoryLimit: 32 << 20, maxOutputBytes: maxOutput, sandbox: .init(randomSeed: 1), output: output))
    }

    @Test("print writes to the configured sink, bytes as Lua made them")
    func sinkGetsPrint() throws {
        let collected = Collected()
        let state = try state(output: LuaOutputSink { raw in collected.bytes.withLock { $0.append(contentsOf: raw) } })
        try state.run("print('a', 1, 2.5, nil) print('\\0\\255')")
        #expect(collected.bytes.withLock { $0 } == Array("a\t1\t2.5\tnil\n".utf8) + [0, 255, 10])
        #expect(!state.outputWasTruncated)
    }

    @Test("the output cap cuts the sink's bytes and sets outputWasTruncated")
    func capApplies() throws {
        let collected = Collected()
        let state = try state(output: LuaOutputSink { raw in collected.bytes.withLock { $0.append(contentsOf: raw) } }, maxOutput: 5)
        try state.run("print('abc') print('defgh') print('more')")
        #expect(collected.text == "abc\nd")
        #expect(state.outputWasTruncated)
    }

    @Test("a host function's writeOutput goes to the same sink, under the same cap as print")
    func hostWritesShareTheCap() throws {
        let collected = Collected()
        let state = try state(output: LuaOutputSink { raw in collected.bytes.withLock { $0.append(contentsOf: raw) } }, maxOutput: 8)
        try state.setGlobal("show", function: { call in
            call.state.writeOutput("table\n")
            return []
        })
        try state.run("print('ab') show() show()")
        #expect(collected.text == "ab\ntable")
        #expect(state.outputWasTruncated)
    }

    @Test("without a sink, print output is discarded and the script goes on")
    func noSinkDiscards() throws {
        let state = try state(output: nil)
        #expect(try state.run("print('nowhere') return 7") == [.integer(7)])
    }

    @Test("two states in one thread keep their own sinks")
    func sinksAreSeparate() throws {
        let first = Collected(), second = Collected()
        let a = try state(output: LuaOutputSink { raw in first.bytes.withLock { $0.append(contentsOf: raw) } })
        let b = try state(output: LuaOutputSink { raw in second.bytes.withLock { $0.append(contentsOf: raw) } })
        try a.run("print('a')")
        try b.run("print('b')")
        try a.run("print('a2')")
        #expect(first.text == "a\na2\n")
        #expect(second.text == "b\n")
    }
}
