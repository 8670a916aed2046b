// Times `engine.run(.text(...))` of the issue's script in one process: sequentially, from 8
// concurrent tasks, and the resident set over many runs. Every run's result is checked (exit
// code 0, value 55), so a run that did less than the real work fails the benchmark.
//
//   EmbedBench sequential RUNS   median µs per run (each run timed on its own)
//   EmbedBench spaced RUNS       median µs per run, runs 2 ms apart (a state built ahead is ready)
//   EmbedBench concurrent ROUNDS median µs per run over ROUNDS rounds of 8 tasks × 250 runs
//   EmbedBench rss RUNS          RSS (KiB) after a 2,000-run warm-up, then every RUNS/8 runs
// Prints one line of numbers: the figure, then its samples.
import Foundation
import TFScript

let source = "local x = 0 for i = 1, 10 do x = x + i end return x"

func check(_ result: ScriptResult) {
    guard result.exitCode == 0, result.values == [.integer(55)] else {
        FileHandle.standardError.write(Data("embed-bench: wrong result: \(result.exitCode) \(result.values) \(result.error ?? "")\n".utf8))
        exit(1)
    }
}

func residentKiB() -> Int {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    let pages = Int(statm.split(separator: " ")[1]) ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func micros(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count > 0 else {
    FileHandle.standardError.write(Data("usage: EmbedBench sequential|spaced|concurrent|rss COUNT\n".utf8))
    exit(2)
}
let engine = try await ScriptEngine(controlPlane: .unconfigured(TokenFactoryError(kind: .configuration, message: "no control plane in the embed benchmark")))
let clock = ContinuousClock()
let options = ScriptOptions()
let mode = arguments[1]

// Measured from a task off the main actor, as a server's request handlers call `run`: top-level
// code here is main-actor isolated, and every `await` from it would hop to the main thread and
// back, which is the caller's cost, not the engine's.
let report: String = await Task.detached { await measure(mode) }.value
print(report)
try await engine.shutdown()

/// The median µs of `count` runs, each timed on its own, after `warmUp` untimed ones; with
/// `pause`, the runs are that far apart.
@Sendable func timedRuns(warmUp: Int, pause: Duration?) async -> String {
    for _ in 0..<warmUp { check(await engine.run(.text(source), options: options)) }
    var samples: [Double] = []
    for _ in 0..<count {
        if let pause { try? await Task.sleep(for: pause) }
        let start = clock.now
        let result = await engine.run(.text(source), options: options)
        samples.append(micros(clock.now - start))
        check(result)
    }
    return String(format: "%.1f", median(samples))
}

@Sendable func measure(_ mode: String) async -> String {
switch mode {
case "sequential":
    return await timedRuns(warmUp: 500, pause: nil)
case "spaced":
    // Runs 2 ms apart: the engine has built the next run's state by then, so this is a run's
    // own path (hand-offs, binding, compiling, running), without the building.
    return await timedRuns(warmUp: 200, pause: .milliseconds(2))
case "concurrent":
    let tasks = 8, perTask = 250
    for _ in 0..<500 { check(await engine.run(.text(source), options: options)) }
    var rounds: [Double] = []
    for _ in 0..<count {
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    for _ in 0..<perTask { check(await engine.run(.text(source), options: options)) }
                }
            }
        }
        rounds.append(micros(clock.now - start) / Double(tasks * perTask))
    }
    return String(format: "%.1f ", median(rounds)) + rounds.map { String(format: "%.1f", $0) }.joined(separator: " ")
case "rss":
    for _ in 0..<2000 { check(await engine.run(.text(source), options: options)) }
    var samples = [residentKiB()]
    for _ in 0..<8 {
        for _ in 0..<(count / 8) { check(await engine.run(.text(source), options: options)) }
        samples.append(residentKiB())
    }
    return "\(samples.last! - samples.first!) " + samples.map(String.init).joined(separator: " ")
default:
    exit(2)
}
}
