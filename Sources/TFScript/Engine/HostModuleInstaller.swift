import Synchronization
import TFScriptJSON
import TFScriptLuaHost
import TFScriptRuntime

/// Installs a run's ``HostModule``s into its fresh state: each function becomes a Lua host
/// function that converts arguments to JSON, awaits the Swift function through the runtime's
/// one host bridge (blocking the Lua thread, or suspending a `tf.parallel` worker), and
/// converts the results back. Errors are raised by the C trampoline, never from Swift.
struct HostModuleInstaller: Sendable {
    let modules: [HostModule]
    /// Whether calls are being recorded now (a session can switch it between chunks).
    let isDryRun: @Sendable () -> Bool
    /// Mutations a dry run did not call, in call order.
    let skipped = SkippedCalls()

    init(modules: [HostModule], isDryRun: @escaping @Sendable () -> Bool) {
        self.modules = modules
        self.isDryRun = isDryRun
    }

    final class SkippedCalls: Sendable {
        private let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        /// The names so far, emptying the list (a session reports them per chunk).
        func take() -> [String] { names.withLock { names in defer { names = [] }; return names } }
    }

    func install(into state: LuaState) throws {
        for module in modules {
            let path = module.name.split(separator: ".").map(String.init)
            guard !path.isEmpty, path.allSatisfy(Self.isIdentifier) else {
                throw HostModuleError(message: "host module name '\(module.name)' is not a Lua name (letters, digits, _; dots for nesting)")
            }
            var functions: [String: LuaHostFunction] = [:]
            for (name, body) in module.functions {
                let qualified = module.name + "." + name
                let isMutation = module.mutations.contains(name)
                functions[name] = { call in try invoke(call, qualified, isMutation: isMutation, body) }
            }
            try state.registerModule(path, functions: functions)
        }
    }

    private func invoke(_ call: LuaHostCall, _ name: String, isMutation: Bool, _ body: @escaping HostFunction) throws -> [LuaValue] {
        var converted: [JSONValue] = []
        for index in 1...max(call.argumentCount, 1) where index <= call.argumentCount {
            let value = try call.argument(index)
            if case .nil = value { converted.append(.null); continue }
            do {
                converted.append(try LuaJSON.jsonValue(value, path: "argument \(index)"))
            } catch {
                throw HostModuleError(message: "\(name): \(error)")
            }
        }
        if isMutation && isDryRun() {
            skipped.append(name)
            return []
        }
        let results: [JSONValue]
        let arguments = converted
        do {
            results = try HostBridge.run(call) { try await body(arguments) }
        } catch let error as LuaError {
            throw error // a limit or interrupt: raised as is, scripts cannot catch it
        } catch let suspension as LuaHostSuspension {
            throw suspension // a tf.parallel worker waits for the answer
        } catch {
            throw HostModuleError(message: "\(name): \(error)")
        }
        return results.map(LuaJSON.luaValue)
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// A host function failed; raised in the script as a string error at the calling line.
struct HostModuleError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
