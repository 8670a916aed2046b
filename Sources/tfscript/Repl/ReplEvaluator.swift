import Foundation
import TFScriptLuaHost

/// Compiles and runs what the user typed, on the session's Lua thread, the way `lua -i` does.
///
/// A buffer is first tried as an expression (`return <buffer>`), so `1 + 1` and
/// `tf.endpoints.list()` print their values; otherwise it runs as statements. When either form
/// fails only because the input ended too early (Lua's message ends with `<eof>`, as `lua.c`
/// checks), the buffer is incomplete and the REPL asks for more on the `>>` prompt.
///
/// Owns the ``LuaState``: create and use it on one thread only.
final class ReplEvaluator {
    /// What happened to a submitted buffer.
    enum Outcome: Equatable {
        /// Needs more lines (unfinished `function`, `{`, string...).
        case incomplete
        /// Ran to its end; results were printed.
        case succeeded
        /// A syntax or runtime error, already printed on stderr.
        case failed
        /// Stopped by Ctrl-C (or a limit), already reported; the session goes on.
        case interrupted
    }

    let state: LuaState
    private let runChunk: LuaFunctionReference
    private let showLast: LuaFunctionReference
    private let errorOutput: ReplErrorOutput

    /// Loads the prelude into `state` (which already has the `tf` module) and adds `tf.show`.
    init(state: LuaState, errorOutput: ReplErrorOutput) throws {
        self.state = state
        self.errorOutput = errorOutput
        let functions = try Self.loadPrelude(into: state)
        runChunk = functions[0]
        showLast = functions[2]
        try state.setModuleField(["tf"], "show", function: functions[1])
    }

    /// Runs the prelude and keeps the functions it hands over (run, show_table, show_last).
    /// They come back through a host function, since ``LuaValue`` cannot carry functions; the
    /// global used for the hand-over is removed before the user types anything.
    private static func loadPrelude(into state: LuaState) throws -> [LuaFunctionReference] {
        final class Slot { var functions: [LuaFunctionReference] = [] }
        let slot = Slot()
        try state.setGlobal(ReplPrelude.receiverName) { call in
            slot.functions = (1...3).compactMap { call.function($0) }
            return []
        }
        defer { try? state.setGlobal(ReplPrelude.receiverName, .nil) }
        _ = try state.load(Array(ReplPrelude.source.utf8), chunkName: ReplPrelude.chunkName).call()
        guard slot.functions.count == 3 else {
            throw LuaValueError("the REPL prelude did not hand over its functions")
        }
        return slot.functions
    }

    /// Whether `source` compiles, and if not whether it is merely unfinished.
    private enum Compilation { case ok, incomplete, error(LuaError) }

    private func compile(_ source: String) -> Compilation {
        do {
            _ = try state.load(Array(source.utf8), chunkName: "=stdin")
            return .ok
        } catch {
            if error.kind == .syntax, error.message.hasSuffix("<eof>") { return .incomplete }
            return .error(error)
        }
    }

    /// Compiles `buffer` (expression first, then statements), runs it and prints the results.
    func submit(_ buffer: String) -> Outcome {
        let expression = "return " + buffer
        let code: String
        switch (compile(expression), compile(buffer)) {
        case (.ok, _): code = expression
        case (_, .ok): code = buffer
        case (.incomplete, _), (_, .incomplete): return .incomplete
        case (_, .error(let error)):
            errorOutput.report(error.message)
            return .failed
        default: return .failed
        }
        return run(runChunk, [.string(LuaString(code))])
    }

    /// The syntax error of a buffer that input ended in the middle of.
    func unfinishedError(_ buffer: String) -> String {
        do {
            _ = try state.load(Array(buffer.utf8), chunkName: "=stdin")
        } catch {
            return error.message
        }
        return "stdin: unfinished statement at end of input"
    }

    /// Shows `expression`'s value (or the last result when nil) with `tf.show`'s table layout.
    func showAsTable(_ expression: String?) -> Outcome {
        run(showLast, expression.map { [.string(LuaString($0))] } ?? [])
    }

    /// Runs a prelude function with the limits armed; maps the end to an outcome.
    private func run(_ function: LuaFunctionReference, _ arguments: [LuaValue]) -> Outcome {
        state.resetLimits()
        state.startClock()
        defer {
            LuaState.flushStandardOutput()
            state.resetLimits()
        }
        do {
            _ = try function.call(arguments)
            return .succeeded
        } catch {
            if let limit = error.limit {
                errorOutput.report(limit == .interrupt ? "interrupted" : "tfscript: \(error.message)")
                return limit == .interrupt ? .interrupted : .failed
            }
            errorOutput.report(Self.trimmed(error))
            return .failed
        }
    }

    /// The error text and traceback without the REPL's own frames.
    static func trimmed(_ error: LuaError) -> String {
        let lines = error.traceback.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            !line.contains("[repl]") && !line.contains("[C]: in ?") && !line.contains("in function 'load'")
        }
        let traceback = lines.count <= 1 ? "" : "\n" + lines.joined(separator: "\n").replacingOccurrences(of: "in local 'chunk'", with: "in main chunk")
        return error.message + traceback
    }
}
