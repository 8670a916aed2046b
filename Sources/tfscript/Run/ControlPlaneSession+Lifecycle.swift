import Foundation
import TFScriptJSON
import Logging
import TFScriptRuntime

extension ControlPlaneSession {
    /// Opens the journal (when asked for) and the control plane, runs `body`, and closes the
    /// session whatever happens: `run`, `repl` and `apply` share this life cycle.
    static func with<T>(
        _ options: ConnectionOptions, journalPath: String?, logger: Logger,
        _ body: (ControlPlaneSession, Journal?) async throws -> T
    ) async throws -> T {
        let journal: Journal?
        do {
            journal = try journalPath.map { path throws(JournalError) in try Journal(path: path) }
        } catch {
            throw CommandFailure(exitCode: 2, message: "\(error) (--journal)")
        }
        for warning in journal?.warnings ?? [] { StandardError.write("tfscript: warning: \(warning)\n") }
        let session = try await open(options, logger: logger)
        do {
            let result = try await body(session, journal)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// The `tf` module's context: calls go through `selector`; `tf.endpoints.wait` shows its
    /// progress only when stderr is a terminal (cron mail stays quiet).
    static func moduleContext(_ selector: ControlPlaneSelector, logger: Logger) -> TFModule.Context {
        var context = TFModule.Context(controlPlanes: selector, logger: logger, version: TFScript.version)
        if isatty(2) == 1 {
            context.waitProgress = { line in StandardError.write("tfscript: \(line)\n") }
        }
        return context
    }
}

extension Plan {
    /// Saves the plan for `tfscript apply` (pretty JSON, atomically, mode 0600: a plan holds
    /// the fleet's configuration) and says how to apply it.
    func save(to path: String) throws {
        do {
            try PrivateFile.write(Array((json.serialized(pretty: true) + "\n").utf8), to: path)
        } catch {
            throw CommandFailure(exitCode: 1, message: "cannot write the plan to \(path): \(error). Check the folder exists and is writable")
        }
        StandardError.write("Plan saved to \(path). Apply it with: tfscript apply \(path)\n")
    }
}
