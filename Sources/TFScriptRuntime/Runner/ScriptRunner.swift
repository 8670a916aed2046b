public import TFScriptLuaHost
public import TFScriptJSON
import Foundation

/// Runs one Lua script in a fresh sandboxed state on a dedicated thread.
///
/// Order of a run: build the state (sandbox + self-check), set `arg` and `tf.vars`, call
/// ``prepare`` (where the `tf` module is installed), load the script, start the clock, call
/// the main chunk with the script arguments as `...`, and map the end to a ``ScriptOutcome``.
/// Nothing here touches the process: output goes to the configuration's sink, and a limit
/// ends the run (the CLI alone keeps a last-resort watchdog).
public struct ScriptRunner: Sendable {
    /// Installs extra modules into the fresh state before the script loads. Runs on the Lua
    /// thread; throwing aborts the run with an internal error.
    public typealias Prepare = @Sendable (LuaState, ScriptRunConfiguration) throws -> Void

    /// Limits, arguments and the sandbox of the run.
    public var configuration: ScriptRunConfiguration
    /// The script's source (already read; a first `#` line skipped).
    public var source: [UInt8]
    /// The folder `require` searches first (a file script's own folder); nil for none.
    public var requireFolder: String?
    /// Installs the host's modules (the `tf` module, host modules) before the script loads.
    public var prepare: Prepare?
    /// Set from any thread to stop the script (task cancellation, Ctrl-C); nil for none.
    public var interruptHandle: LuaInterruptHandle?
    /// Where states built ahead of demand wait, and how one is built; nil: the run builds its
    /// own state and nothing is built after it.
    package var ahead: Ahead?

    /// States built ahead of demand for runs of one shape (``PreparedStates``).
    package struct Ahead: Sendable {
        let states: PreparedStates
        let shape: PreparedStates.Shape
        /// Installs the host's part into a fresh sandboxed state (the `tf` module, unbound),
        /// leaving in ``LuaState/prepared`` what ``prepare`` will bind to the run.
        let install: @Sendable (LuaState) throws -> Void

        package init(states: PreparedStates, shape: PreparedStates.Shape, install: @escaping @Sendable (LuaState) throws -> Void) {
            self.states = states
            self.shape = shape
            self.install = install
        }
    }

    /// A run of `source`; nothing happens until ``run()``.
    public init(configuration: ScriptRunConfiguration, source: [UInt8], requireFolder: String?, prepare: Prepare? = nil) {
        self.configuration = configuration
        self.source = source
        self.requireFolder = requireFolder
        self.prepare = prepare
    }

    /// How a run ended and what it left behind.
    public struct Completion: Sendable {
        /// How the run ended, with its exit code.
        public var outcome: ScriptOutcome
        /// What the main chunk returned, as JSON (unrepresentable values as their type name).
        public var values: [JSONValue]
        /// Whether `print` output was cut at the output cap.
        public var outputTruncated: Bool
        /// Why some of ``values`` are only type names: one message per value JSON cannot hold
        /// (`result.tags mixes array items and named keys, …`; `result[2] …` when several
        /// values were returned), for callers that print the values as JSON.
        public var valueProblems: [String]

        /// A completion, e.g. for a run that never started.
        public init(outcome: ScriptOutcome, values: [JSONValue] = [], outputTruncated: Bool = false, valueProblems: [String] = []) {
            self.outcome = outcome
            self.values = values
            self.outputTruncated = outputTruncated
            self.valueProblems = valueProblems
        }
    }

    /// Runs the script to its end and reports how it ended. Never throws: every failure is an
    /// outcome with an exit code.
    public func run() async -> Completion {
        let runner = self
        let ticket = ahead?.states.ticket() ?? 0
        do {
            return try await LuaThread.run(deferring: {
                var (completion, state) = runner.runOnLuaThread(ticket: ticket)
                // After the caller has its result: close the state. A large one is closed on
                // a thread of its own: the next job may be waiting for this thread.
                return (completion, {
                    guard let used = state?.memoryUsed else { return }
                    guard used > Self.closedInPlace else {
                        state = nil
                        return
                    }
                    let closing = ClosingState(state.take()!)
                    LuaThread.detached { closing.close() }
                })
            }, meanwhile: {
                // While the run goes on, the caller builds the next run's state.
                if let ahead { ahead.states.prepare(ahead.shape, ticket: ticket) { try runner.buildAhead(ahead) } }
            })
        } catch {
            return Completion(outcome: .internalError("\(error)"), values: [], outputTruncated: false)
        }
    }

    /// The most memory a state may hold to be closed on its run's thread right after the run
    /// (a few hundred microseconds at most); larger ones are closed on another.
    static let closedInPlace = 1 << 20

    /// A state on its way to be closed on another thread, which is then its only user: the
    /// last reference, dropped there by ``close()``.
    private final class ClosingState: @unchecked Sendable {
        private var state: LuaState?
        init(_ state: LuaState) { self.state = state }
        func close() { state = nil }
    }

    /// The largest script source read (the sandbox compiles at most this much at once, see
    /// `TFS_MAX_SOURCE_BYTES`); a file is read up to one byte more, so `/dev/zero` or a huge
    /// file ends with a clear error instead of exhausting memory.
    public static let maxSourceBytes = 1 << 20

    /// Reads a script file (exit code 2 when it cannot be used), skipping a UTF-8 byte order
    /// mark and a `#!` first line as `lua5.4` does.
    ///
    /// Opened and read like any stream (a FIFO such as `<(generate-script)` works), at most
    /// ``maxSourceBytes`` + 1 bytes.
    public static func readScript(_ path: String) throws -> [UInt8] {
        try readScript(opening: { open(path, O_RDONLY | O_CLOEXEC) }, path: path)
    }

    /// ``readScript(_:)`` for a path given as bytes (a file name that is not UTF-8, which a
    /// `String` cannot name); `shown` names it in messages.
    public static func readScript(pathBytes: [UInt8], shown: String) throws -> [UInt8] {
        try readScript(opening: {
            (pathBytes + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_CLOEXEC) } }
        }, path: shown)
    }

    private static func readScript(opening: () -> Int32, path: String) throws -> [UInt8] {
        let fd = opening()
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw ScriptFileError("cannot open script '\(path)': no such file (check the path)") }
            throw ScriptFileError("cannot read script '\(path)': \(String(cString: strerror(code))) (check its permissions)")
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw ScriptFileError("cannot run '\(path)': it is a folder, not a Lua script")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= maxSourceBytes {
            let wanted = min(buffer.count, maxSourceBytes + 1 - bytes.count)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw ScriptFileError("cannot read script '\(path)': \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        guard bytes.count <= maxSourceBytes else {
            throw ScriptFileError("script '\(path)' is larger than \(maxSourceBytes >> 20) MiB, the most the tfscript sandbox compiles (docs/sandbox.md)")
        }
        return skippingShebang(bytes)
    }

    /// Like `luaL_loadfile`: a UTF-8 byte order mark is dropped, then a first line starting
    /// with '#' (a shebang) is skipped; its newline stays so line numbers match the file.
    public static func skippingShebang(_ source: [UInt8]) -> [UInt8] {
        var bytes = source
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.first == UInt8(ascii: "#") {
            let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            bytes.removeSubrange(0..<end)
        }
        return bytes
    }

    /// The run's state: its limits, output and sandbox (the script's folder searched first).
    package var stateConfiguration: LuaStateConfiguration {
        configuration.stateConfiguration(requireFolders: requireFolder.map { [$0] } ?? [])
    }

    /// A state for the run: one built ahead (by an earlier run's caller) when it fits, else a
    /// new one.
    func makeState(ticket: Int) throws -> LuaState {
        let configuration = stateConfiguration
        let interrupt = interruptHandle ?? LuaInterruptHandle()
        if let ahead, let ready = ahead.states.take(ahead.shape, ticket: ticket), ready.adopt(configuration: configuration, interruptHandle: interrupt) {
            return ready
        }
        return try LuaState(configuration: configuration, interruptHandle: interrupt)
    }

    /// A state built ahead of its run: the run's sandbox, no limits yet, the host's part
    /// installed and not bound.
    func buildAhead(_ ahead: Ahead) throws -> LuaState {
        var configuration = stateConfiguration
        configuration.memoryLimit = nil
        configuration.timeout = nil
        configuration.output = nil
        let state = try LuaState(configuration: configuration)
        try state.withCollectorPaused { try ahead.install(state) }
        return state
    }

    /// Runs the script; returns how it ended and its state, to be closed after the caller has
    /// the result (its output is detached already).
    func runOnLuaThread(ticket: Int) -> (Completion, LuaState?) {
        let state: LuaState
        do {
            state = try makeState(ticket: ticket)
        } catch {
            return (Completion(outcome: .internalError("cannot build the sandbox: \(error)"), values: [], outputTruncated: false), nil)
        }
        func end(_ outcome: ScriptOutcome, _ values: [JSONValue] = [], _ problems: [String] = []) -> (Completion, LuaState?) {
            // Whatever ended the script (a limit, an error, a return while tf.parallel requests
            // were still in flight), nothing it started may outlive the run: cancel it, and let
            // it record its outcomes, before the run is reported.
            state.hostTasks.cancelAll(grace: HostBridge.endOfRunGrace)
            state.detachOutput()
            return (Completion(outcome: outcome, values: values, outputTruncated: state.outputWasTruncated, valueProblems: problems), state)
        }
        do {
            try state.withCollectorPaused {
                try Self.installArguments(state, configuration)
                try prepare?(state, configuration)
            }
        } catch {
            return end(.internalError("cannot prepare the script environment: \(error)"))
        }
        let main: LuaFunctionReference
        do {
            main = try state.load(source, chunkName: "@" + configuration.scriptPath)
        } catch {
            return end(Self.outcome(for: error))
        }
        state.startClock()
        do {
            let values = try main.call(configuration.argumentStrings.map { .string($0) })
            let converted = Self.json(values)
            return end(.success, converted.values, converted.problems)
        } catch {
            return end(Self.outcome(for: error))
        }
    }

    /// Returned values as JSON; a value JSON cannot hold reads as its type name, and why is
    /// told in `problems` (paths `result`, or `result[i]` for several values).
    static func json(_ values: [LuaValue]) -> (values: [JSONValue], problems: [String]) {
        var problems: [String] = []
        let converted = values.enumerated().map { index, value -> JSONValue in
            if case .nil = value { return .null }
            do throws(LuaJSON.EncodingError) {
                return try LuaJSON.jsonValue(value, path: values.count == 1 ? "result" : "result[\(index + 1)]")
            } catch {
                problems.append("\(error.path) \(error.problem)")
                return .string(value.typeName)
            }
        }
        return (converted, problems)
    }

    static func outcome(for error: LuaError) -> ScriptOutcome {
        if let limit = error.limit { return .limitExceeded(limit, message: error.message) }
        return .scriptError(error)
    }

    /// `arg` as in the standalone interpreter (arg[0] = script) and `tf.vars`; sessions use
    /// it too, so they and scripts see the same globals.
    public static func installArguments(_ state: LuaState, _ configuration: ScriptRunConfiguration) throws {
        var arg = LuaTable(array: configuration.argumentStrings.map { .string($0) })
        arg.entries.append(.init(key: 0, value: .string(LuaString(configuration.scriptPath))))
        try state.setGlobal("arg", .table(arg))
        try state.setModuleFields(["tf"], [
            "vars": .table(LuaTable(fields: configuration.variables.mapValues { .string(LuaString($0)) })),
        ])
    }
}

/// The script file cannot be used (exit code 2).
public struct ScriptFileError: Error, CustomStringConvertible {
    /// What is wrong with the file and what to do.
    public var description: String
    init(_ description: String) { self.description = description }
}
