import Foundation
import TFScriptJSON
import Logging
import TFScriptLuaHost
import TFScriptRuntime
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
        try await ControlPlaneSession.with(connection, journalPath: journalPath, logger: logger) { session, journal in
            try await run(session: session, journal: journal)
        }
    }

    private func run(session: ControlPlaneSession, journal: Journal?) async throws -> Int32 {
        let recorder = dryRun.enabled ? Self.recorder(reading: session.reader) : nil
        let plane: any ControlPlane = recorder ?? session.controlPlane(journal: journal)
        let module = TFModule(context: ControlPlaneSession.moduleContext(ControlPlaneSelector(plane: plane, recorder: recorder), logger: logger))
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
        if let path = dryRun.planOut { try plan.save(to: path) }
        if dryRun.detailedExitCode, !plan.isEmpty { return 5 }
        return code
    }
}
