import Foundation
package import TFScriptLuaHost
import TFScriptJSON
import TFScriptRuntime

/// Compiles and runs chunks in a session's one Lua state, the way `lua -i` does: the REPL's
/// evaluator, usable by any line-oriented front end (a terminal, a chat-ops prompt).
///
/// A buffer is first tried as an expression (`return <buffer>`), so `1 + 1` and
/// `tf.endpoints.list()` give their values; otherwise it runs as statements. When either form
/// fails only because the input ended too early (Lua's message ends with `<eof>`, as `lua.c`
/// checks), the buffer is incomplete and the front end should ask for more.
///
/// Owns the ``LuaState``: it lives on the session's thread and is reached only through
/// ``ScriptSession/withEvaluator(_:)``; never store it elsewhere.
package final class SessionEvaluator {
    /// What happened to a submitted buffer.
    package enum Outcome: Equatable, Sendable {
        /// Needs more lines (unfinished `function`, `{`, string...).
        case incomplete
        /// Ran to its end.
        case succeeded
        /// A syntax or runtime error (message and traceback without the session's own frames);
        /// the session goes on.
        case failed(String)
        /// The memory limit or the timeout stopped the chunk (`timeout of 5s exceeded`); the
        /// session goes on with its limits reset.
        case limitExceeded(String)
        /// Stopped by an interrupt (Ctrl-C, ``ScriptSession/interrupt()``, task cancellation).
        case interrupted
    }

    /// The session's state, for completion and inspection on the session's thread.
    package let state: LuaState
    private let runChunk: LuaFunctionReference
    private let showLast: LuaFunctionReference
    /// The JSON values of the last ``evaluate(_:)``.
    package private(set) var lastValues: [JSONValue] = []

    /// Loads the prelude into `state` (which already has the `tf` module).
    init(state: LuaState) throws {
        self.state = state
        let functions = try Self.loadPrelude(into: state)
        runChunk = functions[0]
        showLast = functions[1]
    }

    /// Runs the prelude and keeps the functions it hands over (run, show_last).
    /// They come back through a host function, since ``LuaValue`` cannot carry functions; the
    /// global used for the hand-over is removed before the user types anything.
    private static func loadPrelude(into state: LuaState) throws -> [LuaFunctionReference] {
        final class Slot { var functions: [LuaFunctionReference] = [] }
        let slot = Slot()
        try state.setGlobal(SessionPrelude.receiverName) { call in
            slot.functions = (1...2).compactMap { call.function($0) }
            return []
        }
        defer { try? state.setGlobal(SessionPrelude.receiverName, .nil) }
        _ = try state.load(Array(SessionPrelude.source.utf8), chunkName: SessionPrelude.chunkName).call()
        // The slot is captured by a host function the state owns, and the references hold the
        // state: emptying it breaks that cycle, so a closed session frees its state.
        let functions = slot.functions
        slot.functions = []
        guard functions.count == 2 else {
            throw LuaValueError("the session prelude did not hand over its functions")
        }
        return functions
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

    /// Compiles `buffer` (expression first, then statements), runs it and prints its results
    /// with the REPL's printer (through the session's output).
    package func submit(_ buffer: String) -> Outcome {
        run(buffer, printing: true)
    }

    /// Like ``submit(_:)``, but keeps the results in ``lastValues`` instead of printing them.
    package func evaluate(_ buffer: String) -> Outcome {
        run(buffer, printing: false)
    }

    private func run(_ buffer: String, printing: Bool) -> Outcome {
        lastValues = []
        let expression = "return " + buffer
        let code: String
        switch (compile(expression), compile(buffer)) {
        case (.ok, _): code = expression
        case (_, .ok): code = buffer
        case (.incomplete, _), (_, .incomplete): return .incomplete
        case (_, .error(let error)): return .failed(Self.shown(error.message))
        default: return .failed("cannot compile the input")
        }
        return run(runChunk, [.string(LuaString(code)), .boolean(!printing)])
    }

    /// The syntax error of a buffer that input ended in the middle of.
    package func unfinishedError(_ buffer: String) -> String {
        do {
            _ = try state.load(Array(buffer.utf8), chunkName: "=stdin")
        } catch {
            return Self.shown(error.message)
        }
        return "stdin: unfinished statement at end of input"
    }

    /// Shows `expression`'s value (or the last result when nil) with `tf.show`'s table layout.
    package func showAsTable(_ expression: String?) -> Outcome {
        run(showLast, expression.map { [.string(LuaString($0))] } ?? [])
    }

    /// Sets `tf.dry_run` (the session's ``ScriptSession/setDryRun(_:)`` switches the calls).
    func setDryRunFlag(_ on: Bool) {
        try? state.setModuleField(["tf"], "dry_run", .boolean(on))
    }

    /// Runs a prelude function with the limits armed; maps the end to an outcome.
    private func run(_ function: LuaFunctionReference, _ arguments: [LuaValue]) -> Outcome {
        state.resetLimits()
        state.startClock()
        defer {
            // Nothing a statement started (tf.parallel requests a limit or Ctrl-C left in
            // flight) may go on sending after it ends; then the limits are reset, in that order.
            state.hostTasks.cancelAll(grace: HostBridge.endOfRunGrace)
            state.resetLimits()
        }
        do {
            let values = try function.call(arguments)
            lastValues = values.map { value in
                if case .nil = value { return .null }
                return (try? LuaJSON.jsonValue(value, path: "result")) ?? .string(value.typeName)
            }
            return .succeeded
        } catch {
            if let limit = error.limit {
                return limit == .interrupt ? .interrupted : .limitExceeded(Self.shown(error.message))
            }
            return .failed(Self.trimmed(error))
        }
    }

    /// An error message as the REPL shows it: control, bidi and invisible characters escaped
    /// as `run` shows them (a script chose the text), at most 64 KiB of it.
    static func shown(_ message: String) -> String {
        DisplayText.escapingControlCharacters(message, keepingTabs: true, maxBytes: LuaError.maxShownMessageBytes)
    }

    /// The error text and traceback without the session's own frames.
    static func trimmed(_ error: LuaError) -> String {
        let lines = error.traceback.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            !line.contains("[repl]") && !line.contains("[C]: in ?") && !line.contains("in function 'load'")
        }
        let traceback = lines.count <= 1 ? "" : "\n" + lines.joined(separator: "\n").replacingOccurrences(of: "in local 'chunk'", with: "in main chunk")
        return Self.shown(error.message) + traceback
    }
}
