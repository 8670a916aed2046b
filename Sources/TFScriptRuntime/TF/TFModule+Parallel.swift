import TFScriptJSON
import TFScriptLuaHost

extension TFModule {
    /// The metatable of a `tf.parallel` run handle: its `__close` ends the run however the
    /// scheduler loop exits (return, error, limit).
    static let parallelRunMetatable = "tf.parallel.run"
    static let parallelFunction = "tf.parallel"
    /// Most requests one `tf.parallel` call keeps in flight.
    static let maxParallelConcurrency = 64

    /// `tf.parallel(items, fn [, {concurrency = 8, fail_fast = false}])`: host primitives,
    /// then the scheduler loop in Lua (``ParallelSchedulerSource``). Needs `tf.json`.
    static let parallelParts: [LuaHostLibrary.Part] = [
        .metatable(parallelRunMetatable, functions: [
            "__close": { call in
                try serving(call).parallelRuns.remove(try call.argument(1))?.finish()
                return []
            },
        ], values: ["__metatable": false]),
        .module(["tf", "_parallel"], functions: [
            "begin": { call in
                let runs = try serving(call).parallelRuns
                let (concurrency, failFast) = try Self.parallelOptions(call)
                let run = ParallelRun(state: call.state)
                return [runs.add(run), .integer(Int64(concurrency)), .boolean(failFast)]
            },
            "adopt": { call in
                let runs = try serving(call).parallelRuns
                guard let run = runs[try call.argument(1)], let coroutine = call.coroutine(ofArgument: 2),
                      case .integer(let index) = try call.argument(3) else { return [] }
                run.adopt(coroutine, index: Int(index))
                return []
            },
            "wait": { call in
                let runs = try serving(call).parallelRuns
                guard let run = runs[try call.argument(1)] else { return [.table(LuaTable())] }
                let ready = try run.wait(block: try call.argument(2) == .boolean(true))
                return [.table(LuaTable(array: ready.map { .integer(Int64($0)) }))]
            },
            "drain": { call in
                try serving(call).parallelRuns[try call.argument(1)]?.drain()
                return []
            },
        ], values: ["suspended": ParallelRun.suspendedMarker]),
        .chunk(ParallelSchedulerSource.source, name: ParallelSchedulerSource.chunkName),
    ]

    /// Checks `tf.parallel`'s arguments; errors name the script line that called it.
    private static func parallelOptions(_ call: LuaHostCall) throws -> (concurrency: Int, failFast: Bool) {
        let function = parallelFunction
        do {
            guard call.typeName(of: 1) == "table" else {
                throw ScriptError.validation(function, "items must be a table (an array), got \(Arguments.describe(call, 1))")
            }
            guard call.typeName(of: 2) == "function" else {
                throw ScriptError.validation(function, "fn must be a function, got \(Arguments.describe(call, 2))")
            }
            let options = try Arguments.options(call, 3, allowed: ["concurrency", "fail_fast"], function: function)
            var concurrency = 8
            if let value = options["concurrency"] {
                guard case .integer(let n) = value, (1...Int64(maxParallelConcurrency)).contains(n) else {
                    throw ScriptError.validation(
                        function, "options.concurrency must be an integer from 1 to \(maxParallelConcurrency), got \(value.serialized())")
                }
                concurrency = Int(n)
            }
            var failFast = false
            if let value = options["fail_fast"] {
                guard case .bool(let flag) = value else {
                    throw ScriptError.validation(function, "options.fail_fast must be a boolean, got \(value.serialized())")
                }
                failFast = flag
            }
            return (concurrency, failFast)
        } catch let error as ScriptError {
            // Raised from inside the tf.parallel wrapper: point at the script line calling it.
            guard case .table(var table) = error.luaErrorValue else { throw error }
            let position = call.callerPosition(level: 2)
            if !position.isEmpty { table.entries.append(.init(key: "where", value: .string(LuaString(position)))) }
            throw LuaHostError(value: .table(table), annotatesLocation: false)
        }
    }
}

/// The `tf.parallel` calls running now (nested calls each have their own), by handle.
/// Used on its state's thread only.
final class ParallelRuns: @unchecked Sendable {
    private var runs: [Int64: ParallelRun] = [:]
    private var nextID: Int64 = 1

    /// Registers `run`; returns its handle (a table whose `__close` ends the run).
    func add(_ run: ParallelRun) -> LuaValue {
        let id = nextID
        nextID += 1
        runs[id] = run
        return .table(LuaTable(fields: ["run": .integer(id)], metatableName: TFModule.parallelRunMetatable))
    }

    subscript(handle: LuaValue) -> ParallelRun? {
        guard case .integer(let id) = handle["run"] else { return nil }
        return runs[id]
    }

    func remove(_ handle: LuaValue) -> ParallelRun? {
        guard case .integer(let id) = handle["run"] else { return nil }
        return runs.removeValue(forKey: id)
    }
}
