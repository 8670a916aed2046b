import Foundation
import Testing
import TestSupport
import TFScript

/// `print` never reaches the process's stdout from the library: it is captured, or streamed
/// to the embedder's sink.
@Suite(.serialized)
struct OutputTests {
    @Test("output is captured and nothing reaches the process's stdout")
    func nothingOnStdout() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let result: ScriptResult = try await withSimulatedEngine { engine in
            fflush(nil)
            let saved = dup(1)
            let target = open(file.path, O_WRONLY)
            dup2(target, 1)
            close(target)
            let result = await engine.run(lua: "for i = 1, 3 do print('line', i) end io = nil")
            fflush(nil)
            dup2(saved, 1)
            close(saved)
            return result
        }
        #expect(result.output == "line\t1\nline\t2\nline\t3\n")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int == 0)
    }

    @Test("an output sink streams print instead of capturing it; the cap still applies")
    func streams() async throws {
        let chunks = Recorder<String>()
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "print('a') print(('b'):rep(100))", { options in
                options.output = .text { chunks.append($0) }
                options.maxOutput = 10
            })
            #expect(result.output == "")
            #expect(result.outputTruncated)
            #expect(chunks.all.joined() == "a\nbbbbbbbb")
        }
    }
}
