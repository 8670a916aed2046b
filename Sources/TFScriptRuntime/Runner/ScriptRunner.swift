public import TFScriptLuaHost
import Foundation

/// Runs one Lua script in a fresh sandboxed state on a dedicated thread (`tfscript run`).
///
/// Order of a run: read the script, build the state (sandbox + self-check), set `arg` and
/// `tf.vars`, call ``prepare`` (where the `tf` module is installed), load the script, start the
/// clock and the watchdog, call the main chunk with the script arguments as `...`, and map the
/// end to a ``ScriptOutcome``.
public struct ScriptRunner: Sendable {
    /// Installs extra modules into the fresh state before the script loads. Runs on the Lua
    /// thread; throwing aborts the run with an internal error.
    public typealias Prepare = @Sendable (LuaState, ScriptRunConfiguration) throws -> Void

    public var configuration: ScriptRunConfiguration
    public var prepare: Prepare?

    public init(configuration: ScriptRunConfiguration, prepare: Prepare? = nil) {
        self.configuration = configuration
        self.prepare = prepare
    }

    /// Runs the script to its end and reports how it ended. Never throws: every failure is an
    /// outcome with an exit code.
    public func run() async -> ScriptOutcome {
        let configuration = configuration
        let prepare = prepare
        let source: [UInt8]
        do {
            source = try Self.readScript(configuration.scriptPath)
        } catch {
            return .usageError("\(error)")
        }
        do {
            return try await LuaThread.run { Self.runOnLuaThread(source: source, configuration, prepare) }
        } catch {
            return .internalError("\(error)")
        }
    }

    static func readScript(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScriptFileError("cannot open script '\(path)': no such file (check the path)")
        }
        guard !isDirectory.boolValue else { throw ScriptFileError("cannot run '\(path)': it is a folder, not a Lua script") }
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw ScriptFileError("cannot read script '\(path)' (check its permissions)")
        }
        var bytes = [UInt8](data)
        // Like lua.c: a first line starting with '#' (a shebang) is skipped; its newline stays
        // so line numbers match the file.
        if bytes.first == UInt8(ascii: "#") {
            let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            bytes.removeSubrange(0..<end)
        }
        return bytes
    }

    static func runOnLuaThread(source: [UInt8], _ configuration: ScriptRunConfiguration, _ prepare: Prepare?) -> ScriptOutcome {
        let folder = URL(fileURLWithPath: configuration.scriptPath).deletingLastPathComponent().path
        let state: LuaState
        do {
            state = try LuaState(configuration: configuration.stateConfiguration(scriptFolder: folder))
        } catch {
            return .internalError("cannot build the sandbox: \(error)")
        }
        defer { LuaState.flushStandardOutput() }
        do {
            try installArguments(state, configuration)
            try prepare?(state, configuration)
        } catch {
            return .internalError("cannot prepare the script environment: \(error)")
        }
        let main: LuaFunctionReference
        do {
            main = try state.load(source, chunkName: "@" + configuration.scriptPath)
        } catch {
            return outcome(for: error)
        }
        state.startClock()
        let watchdog = configuration.timeout.map {
            Watchdog(after: $0 + configuration.watchdogGrace, message: state.configuration.message(for: .timeout))
        }
        defer { watchdog?.cancel() }
        do {
            _ = try main.call(configuration.arguments.map { .string(LuaString($0)) })
            return .success
        } catch {
            return outcome(for: error)
        }
    }

    static func outcome(for error: LuaError) -> ScriptOutcome {
        if let limit = error.limit { return .limitExceeded(limit, message: error.message) }
        return .scriptError(error)
    }

    /// `arg` as in the standalone interpreter (arg[0] = script) and `tf.vars`; the REPL uses
    /// it too, so sessions and scripts see the same globals.
    public static func installArguments(_ state: LuaState, _ configuration: ScriptRunConfiguration) throws {
        var arg = LuaTable(array: configuration.arguments.map { .string(LuaString($0)) })
        arg.entries.append(.init(key: 0, value: .string(LuaString(configuration.scriptPath))))
        try state.setGlobal("arg", .table(arg))
        try state.registerModule(["tf"], values: [
            "vars": .table(LuaTable(fields: configuration.variables.mapValues { .string(LuaString($0)) })),
        ])
    }
}

/// The script file cannot be used (exit code 2).
struct ScriptFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
