import Foundation
import Logging
import TFScript
import TFScriptSimulation
import TFScriptLuaHost
import TokenFactory

/// The steps of `tfscript apply`: read, check freshness, confirm, apply, report.
struct PlanApplication {
    let command: ApplyCommand
    let logger: Logger
    /// The apply's id: in its journal lines and its summary.
    let runID: String

    /// Applies the plan; puts what was sent (and retried) in `summary`.
    func run(summary: inout RunSummary) async throws {
        let plan = try PlanFile.read(command.planFile)
        summary.changesPlanned = plan.operations.count
        if plan.isEmpty {
            Diagnostics.write("Nothing to apply: the plan has no operations.\n", event: "apply.empty", level: .info)
            return
        }
        // Read before the journal is opened for this run's own lines.
        let replay: JournalReplay
        do {
            replay = try command.journal.map { path throws(JournalError) in try JournalReplay(path: path, plan: plan) } ?? JournalReplay()
        } catch {
            throw CommandFailure(exitCode: 2, message: "\(error) (--journal)")
        }
        let journal = try Journal.openForCommand(command.journal, runID: runID)
        RunTermination.shared.attach(journal: journal)
        let statistics = CallStatistics()
        RunTermination.shared.attach(statistics: statistics)
        defer {
            summary.count(statistics)
        }
        try await CallStatistics.$current.withValue(statistics) {
            try await command.connection.withEngine(logger: logger) { engine in
                try await apply(plan, replay: replay, engine: engine, journal: journal)
            }
        }
    }

    private func apply(_ plan: Plan, replay: JournalReplay, engine: ScriptEngine, journal: Journal?) async throws {
        if let missing = engine.configurationError {
            throw CommandFailure(exitCode: 2, message: missing.description)
        }
        try checkBaseURL(plan, engine: engine)
        let applier = engine.planApplier(journal: journal)

        let stale: [PlanApplier.StaleTarget]
        let resume: PlanApplier.Resume
        do {
            resume = replay.states.isEmpty ? .none : try await applier.resume(plan, replay: replay)
            stale = try await applier.staleTargets(in: plan, resume: resume)
        } catch let error as TokenFactoryError {
            if error.kind == .validation {
                throw CommandFailure(exitCode: 2, message: "the plan is invalid, so nothing was applied: \(DisplayText.escapingControlCharacters("\(error)"))")
            }
            throw CommandFailure(exitCode: 4, message: "cannot check the plan: \(DisplayText.escapingControlCharacters("\(error)"))")
        }
        if !resume.notes.isEmpty {
            Diagnostics.write(
                "Resuming from the journal \(command.journal ?? ""):\n" + resume.notes.map { "  \(DisplayText.escapingControlCharacters($0))\n" }.joined(),
                event: "apply.resume", level: .info, fields: ["notes": .array(resume.notes.map { .string($0) })])
        }
        if resume.done.count == plan.operations.count {
            Diagnostics.write(plan.operations.count == 1
                ? "Nothing left to apply: the journal shows the plan's one operation applied.\n"
                : "Nothing left to apply: the journal shows all \(plan.operations.count) operations applied.\n",
                event: "apply.done", level: .info)
            return
        }
        if !stale.isEmpty {
            let lines = stale.map { "  \(DisplayText.escapingControlCharacters($0.description))" }.joined(separator: "\n")
            throw CommandFailure(
                exitCode: 1,
                message: "the plan is stale: these targets changed since it was made, so nothing was applied:\n\(lines)\n"
                    + "Run the script again with --dry-run to make a fresh plan.")
        }

        try checkGuardrails(plan, resume: resume)
        // Resuming, the person confirms what is still to do, not what the journal shows done.
        let pending = Self.pending(plan, resume: resume)
        let heading = resume.done.isEmpty ? "" : "Still to apply (the journal shows "
            + resume.done.keys.sorted().map { "#\($0)" }.joined(separator: ", ") + " applied):\n"
        Diagnostics.plan(pending, heading: heading, complete: true)
        try confirm(pending, baseURL: engine.baseURL)

        // In a task of its own, so the first SIGINT/SIGTERM/SIGHUP can cancel it: the operation
        // in flight is cancelled (journaled `unknown`), the rest are not sent.
        let statistics = CallStatistics.current
        let work = Task {
            await CallStatistics.$current.withValue(statistics) {
                await applier.apply(plan, resume: resume) { index, operation, result in
                    let id = result.flatMap { (try? Endpoint(raw: $0))?.id } ?? operation.target
                    let verb = operation.kind.done
                    Diagnostics.write(
                        "  #\(index) \(verb) \(PlanRenderer.title(of: operation, id: id))\n", event: "apply.operation", level: .info,
                        fields: ["index": .integer(Int64(index)), "operation": .string(operation.kind.rawValue), "target": .string(id)])
                }
            }
        }
        let report = await ProcessSignals.shared.whileRunning(work)
        try finish(plan, report)
    }

    /// The plan's operations the journal does not show applied, in order.
    static func pending(_ plan: Plan, resume: PlanApplier.Resume) -> Plan {
        var pending = plan
        pending.operations = plan.operations.enumerated().filter { resume.done[$0.offset + 1] == nil }.map(\.element)
        return pending
    }

    private func checkBaseURL(_ plan: Plan, engine: ScriptEngine) throws {
        // A plan made against one simulator applies to a fresh one: their ports differ by design.
        let bothSimulated = engine.simulator != nil && plan.baseURL.hasPrefix("http://127.0.0.1:")
        guard plan.baseURL != engine.baseURL, !bothSimulated, !command.allowOtherBaseURL else { return }
        let planned = TokenFactoryClient.Configuration.redactingCredentials(in: plan.baseURL)
        throw CommandFailure(
            exitCode: 1,
            message: "the plan was made against \(planned), but this apply would go to \(engine.baseURL); "
                + "pass --base-url \(planned), or --allow-other-base-url if that is intended")
    }

    /// `--max-changes` and `--protect` hold for an apply as for a run: a plan that breaks one
    /// is refused whole before anything is sent (exit 7).
    private func checkGuardrails(_ plan: Plan, resume: PlanApplier.Resume) throws {
        let guardrails = try command.guardrails.guardrails(connection: command.connection)
        guard !guardrails.isEmpty else { return }
        var problems: [String] = []
        let pending = plan.operations.enumerated().filter { resume.done[$0.offset + 1] == nil }
        if let limit = guardrails.maxChanges, pending.count > limit {
            problems.append("it would make \(pending.count) changes, more than --max-changes \(limit)")
        }
        for (offset, operation) in pending {
            let target = operation.kind.hasTarget ? operation.target : nil
            if let refusal = guardrails.refusal(of: operation.kind, target: target, body: operation.body, endpoint: operation.before) {
                problems.append("#\(offset + 1): \(refusal)")
            }
        }
        guard !problems.isEmpty else { return }
        throw CommandFailure(
            exitCode: 7,
            message: "the plan breaks a guardrail, so nothing was applied:\n" + problems.map { "  \($0)\n" }.joined()
                + "Make a plan that keeps to them, or change the guardrails if this is intended.")
    }

    private func confirm(_ plan: Plan, baseURL: String) throws {
        guard !command.yes else { return }
        guard isatty(0) == 1 else {
            throw CommandFailure(exitCode: 1, message: "refusing to apply without confirmation: stdin is not a terminal (pass --yes to apply unattended)")
        }
        let these = plan.operations.count == 1 ? "this operation" : "these \(plan.operations.count) operations"
        Diagnostics.write("\nApply \(these) to \(baseURL)? Only 'yes' is accepted: ", event: "apply.confirm", level: .info)
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CommandFailure(exitCode: 1, message: "apply cancelled; nothing was changed")
        }
    }

    private func finish(_ plan: Plan, _ report: PlanApplier.Report) throws {
        let total = plan.operations.count
        let skipped = report.skipped.isEmpty ? "" : " (\(report.skipped.count) more already applied before: " + report.skipped.map { "#\($0)" }.joined(separator: ", ") + ")"
        let signal = ProcessSignals.shared.receivedName
        guard let failure = report.failure else {
            if let signal {
                // The last operation ended just as the signal came: nothing was left to stop.
                Diagnostics.write("tfscript: \(signal) received after the last operation was sent\n", event: "signal", level: .warning)
            }
            Diagnostics.write("Apply complete: \(report.applied.count) of \(counted(total, "operation")) applied\(skipped).\n", event: "apply.complete", level: .info)
            return
        }
        let operation = plan.operations[failure.index - 1]
        var message = signal.map { "interrupted by \($0): " } ?? ""
        // The name and the server's answer are shown escaped: neither can start a line of its own.
        let label = DisplayText.escapingControlCharacters("\(operation.kind.rawValue) \(operation.displayName ?? operation.target)")
        message += "operation #\(failure.index) (\(label)) failed: \(DisplayText.escapingControlCharacters("\(failure.error)"))\n"
        message += "Applied \(report.applied.count) of \(counted(total, "operation"))"
        message += report.applied.isEmpty ? "" : ": " + report.applied.map { "#\($0)" }.joined(separator: ", ")
        message += skipped + "."
        if !report.notApplied.isEmpty {
            message += "\nNot applied: " + report.notApplied.map { "#\($0)" }.joined(separator: ", ") + ". "
            message += command.journal.map { "Once the cause is fixed, finish it with: tfscript apply --journal \($0) \(command.planFile)" }
                ?? "Make a fresh plan for the rest (next time, pass --journal FILE so an interrupted apply can be finished)."
        }
        throw CommandFailure(exitCode: signal == nil ? 4 : 3, message: message)
    }
}
