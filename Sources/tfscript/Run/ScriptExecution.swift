import Foundation
import JSON
import Logging
import LuaHost
import ScriptRuntime
import TokenFactory

/// One `tfscript run`: opens the control plane, runs the script with the `tf` module, then
/// prints (and saves) the plan of a dry run. Returns the process exit code.
struct ScriptExecution {
    var runConfiguration: ScriptRunConfiguration
    var connection: ConnectionOptions
    var dryRun: DryRunOptions
    var journalPath: String?
    var logger: Logger

    func run() async throws -> Int32 {
        let journal: Journal?
        do {
            journal = try journalPath.map { path throws(JournalError) in try Journal(path: path) }
        } catch {
            throw CommandFailure(exitCode: 2, message: "\(error) (--journal)")
        }
        let session = try await ControlPlaneSession.open(connection, logger: logger)
        do {
            let code = try await run(session: session, journal: journal)
            await session.close()
            return code
        } catch {
            await session.close()
            throw error
        }
    }

    private func run(session: ControlPlaneSession, journal: Journal?) async throws -> Int32 {
        let recorder = dryRun.enabled ? Self.recorder(reading: session.reader) : nil
        let plane: any ControlPlane = recorder ?? session.controlPlane(journal: journal)
        var context = TFModule.Context(controlPlanes: ControlPlaneSelector(plane: plane, recorder: recorder), logger: logger, version: TFScript.version)
        if isatty(2) == 1 {
            context.waitProgress = { line in StandardError.write("tfscript: \(line)\n") }
        }
        let module = TFModule(context: context)
        let runner = ScriptRunner(configuration: runConfiguration) { state, _ in
            try module.install(into: state)
        }
        let outcome = await runner.run()
        if let diagnostic = outcome.diagnostic { StandardError.write(diagnostic + "\n") }
        var code = outcome.exitCode
        if let recorder {
            code = try await finishDryRun(recorder, outcome: outcome, baseURL: session.baseURL, code: code)
        }
        return code
    }

    /// The dry run's control plane: reads through the client, records changes.
    static func recorder(reading reader: any EndpointReading) -> RecordingControlPlane {
        RecordingControlPlane(reader: reader) { id in
            TokenFactoryError(
                kind: .api, status: 404, message: "dedicated endpoint \(id) not found (deleted earlier in this dry run)",
                method: "GET", path: "/v0/dedicated_endpoints/\(id)")
        }
    }

    /// Prints the plan; saves it when the script succeeded. A failed script's plan is shown
    /// (so the operator sees how far it got) but never saved: applying half a plan is a surprise.
    private func finishDryRun(_ recorder: RecordingControlPlane, outcome: ScriptOutcome, baseURL: String, code: Int32) async throws -> Int32 {
        let plan = Plan(baseURL: baseURL, script: runConfiguration.scriptPath, operations: await recorder.recordedOperations)
        guard case .success = outcome else {
            if !plan.isEmpty {
                StandardError.write("\nThe script failed, so this plan is incomplete and was not saved:\n\n" + PlanRenderer().render(plan))
            }
            return code
        }
        StandardError.write("\n" + PlanRenderer().render(plan))
        if let path = dryRun.planOut {
            var text = plan.json.serialized(pretty: true)
            text += "\n"
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CommandFailure(exitCode: 1, message: "cannot write the plan to \(path): \(error.localizedDescription)")
            }
            StandardError.write("Plan saved to \(path). Apply it with: tfscript apply \(path)\n")
        }
        if dryRun.detailedExitCode, !plan.isEmpty { return 5 }
        return code
    }
}
