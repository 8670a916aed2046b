import InMemoryLogging
import Foundation
import Testing
import TestSupport
import TFScript

/// Work the host does for a script (rendering, encoding, decoding, logging, showing an error)
/// obeys the run's limits as Lua code does (issue 18, class 5): a deadline reaches it, it is
/// linear in what the script gave it, and what it writes counts against the caps.
struct HostWorkLimitTests {
    /// Seconds `body` took.
    static func seconds<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        let elapsed = ContinuousClock.now - start
        return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    @Test("tf.show of a table whose rendering outlasts the timeout ends at the timeout")
    func showStopsAtTimeout() async throws {
        try await withSimulatedEngine { engine in
            // 2,000 columns × 20,000 rows: 40 million cells, seconds of rendering.
            let (result, elapsed) = await Self.seconds {
                await engine.run(lua: """
                    local columns, rows = {}, {}
                    for i = 1, 2000 do columns[i] = "c" .. i end
                    for i = 1, 20000 do rows[i] = {c1 = i} end
                    tf.show(rows, columns)
                    """, { $0.timeout = .milliseconds(500); $0.maxOutput = nil })
            }
            #expect(result.exitCode == 3, "\(result.error ?? "")")
            #expect(result.error?.contains("timeout") == true, "\(result.error ?? "")")
            #expect(elapsed < 4, "tf.show ran \(elapsed) s past a 0.5 s timeout")
        }
    }

    @Test("tf.show cuts a long column name like a cell: a 4 MiB name costs what a short one does")
    func showLongColumnName() async throws {
        try await withSimulatedEngine { engine in
            let (result, elapsed) = await Self.seconds {
                await engine.run(lua: """
                    local name = string.rep("x", 4 << 20)
                    local rows = {}
                    for i = 1, 400 do rows[i] = {a = i} end
                    tf.show(rows, {name, "a"})
                    """, { $0.memoryLimit = 64 << 20; $0.timeout = .seconds(20) })
            }
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            let lines = result.output.split(separator: "\n")
            #expect(lines.count == 402)
            #expect(lines.allSatisfy { $0.utf8.count <= 2 * 40 + 2 }, "a line of \(lines.map(\.utf8.count).max() ?? 0) bytes")
            #expect(lines.first?.hasPrefix(String(repeating: "x", count: 37) + "...") == true)
            #expect(lines.last == Substring(String(repeating: " ", count: 42) + "400"))
            #expect(elapsed < 10)
        }
    }

    @Test("tf.json.encode with pretty printing stops at the timeout")
    func encodeStopsAtTimeout() async throws {
        try await withSimulatedEngine { engine in
            // 900 levels deep, 200,000 items at the bottom: each item's line carries 1,800
            // spaces of indentation, so one text is ~360 MB (seconds of writing) for a value
            // of a few MB, whose copy is quick.
            let (result, elapsed) = await Self.seconds {
                await engine.run(lua: """
                    local bottom = {}
                    for i = 1, 200000 do bottom[i] = i end
                    local v = bottom
                    for _ = 1, 900 do v = {v} end
                    for _ = 1, 1000 do tf.json.encode(v, {pretty = true}) end
                    """, { $0.timeout = .milliseconds(500); $0.memoryLimit = nil })
            }
            #expect(result.exitCode == 3, "\(result.error ?? "")")
            #expect(result.error?.contains("timeout") == true, "\(result.error ?? "")")
            // Loose, for a loaded machine and AddressSanitizer: the error above says which limit.
            #expect(elapsed < 4, "tf.json.encode ran \(elapsed) s past a 0.5 s timeout")
        }
    }

    @Test("tf.json.decode is linear in strings with escapes (many short escaped strings)")
    func decodeEscapesLinear() async throws {
        try await withSimulatedEngine { engine in
            let (result, elapsed) = await Self.seconds {
                await engine.run(lua: """
                    local text = "[" .. string.rep('"\\\\n",', 6 << 20) .. '"\\\\n"]'
                    local t = tf.json.decode(text)
                    return #t, t[1]
                    """, { $0.memoryLimit = 1 << 30; $0.timeout = .seconds(60) })
            }
            #expect(result.exitCode == 0, "\(result.error ?? "")")
            #expect(result.values == [.integer((6 << 20) + 1), .string("\n")])
            // The baseline, in the same run: as many strings of the same length without escapes.
            let (plain, baseline) = await Self.seconds {
                await engine.run(lua: """
                    local text = "[" .. string.rep('"ab",', 6 << 20) .. '"ab"]'
                    local t = tf.json.decode(text)
                    return #t
                    """, { $0.memoryLimit = 1 << 30; $0.timeout = .seconds(60) })
            }
            #expect(plain.exitCode == 0, "\(plain.error ?? "")")
            // Sized by the rest of the document, the scratch buffers made this 21 s (30 MiB)
            // where the baseline takes about 1 s, and the ratio grows with the size. Linear keeps
            // it within a constant factor: about 2× in a debug build, 7× under AddressSanitizer.
            #expect(elapsed < 15 * baseline + 2, "decoding 30 MiB of escapes took \(elapsed) s, without escapes \(baseline) s")
        }
    }

    @Test("tf.log counts a record by its escaped size: control characters cannot outgrow the cap")
    func logEscapedSize() async throws {
        let records = InMemoryLogHandler()
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: """
                local s = string.rep("\\1", 120000)
                for _ = 1, 50 do tf.log.info(s) end
                """, { $0.logger = records.logger(); $0.maxOutput = 1 << 20 })
            #expect(result.exitCode == 0, "\(result.error ?? "")")
        }
        // Each record escapes to 600,000 bytes (`\u{1}` is 5 bytes): one fits in 1 MiB, two
        // do not (charged by raw length, eight did).
        let written = records.lines.filter { $0.hasPrefix("info ") }
        #expect(written.count == 1, "\(written.count) records of 120,000 control bytes passed a 1 MiB cap")
        #expect(records.lines.contains { $0.contains("tf.log output truncated") })
    }

    @Test("an uncaught 10 MiB error message is shown cut, saying how much was left out")
    func errorMessageCut() async throws {
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: "error(string.rep('\\1', 10 << 20))")
            #expect(result.exitCode == 1)
            let error = try #require(result.error)
            #expect(error.utf8.count < 70_000, "the error text is \(error.utf8.count) bytes")
            #expect(error.contains("more bytes not shown"))
            let failure = try #require(result.failure)
            #expect(failure.message.utf8.count < 70_000)
            #expect(failure.message.contains("more bytes not shown"))
        }
    }

    @Test("an endpoint id longer than 1024 bytes is refused before it reaches a URL, a log line or the journal")
    func longID() async throws {
        try await withSimulatedEngine { engine in
            let result = await engine.run(lua: """
                local ok, err = pcall(tf.endpoints.delete, string.rep("e", 4 << 20))
                print(err.kind, #err.message < 200, err.message:find("longer than 1024 bytes", 1, true) ~= nil)
                """)
            #expect(result.output == "validation\ttrue\ttrue\n", "\(result.error ?? "")")
        }
    }
}
