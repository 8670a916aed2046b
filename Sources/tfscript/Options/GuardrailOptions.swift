import ArgumentParser
import Foundation
import TFScript

/// `--max-changes`, `--protect`: what a scheduled run may change at most (docs/dry-run.md,
/// "Guardrails"). They hold in dry runs too, so a plan shows what the live run would refuse,
/// and `apply` checks a plan against them before sending anything.
struct GuardrailOptions: ParsableArguments {
    @Option(name: .customLong("max-changes"), help: ArgumentHelp(
        "Refuse the (N+1)th create, patch or delete before it is sent (exit 7).", valueName: "n"))
    var maxChanges: Int?

    @Option(name: .customLong("protect"), help: ArgumentHelp(
        "Endpoints whose name or id matches this glob (* and ?) cannot be deleted, disabled or scaled to min_replicas 0 (exit 7). Repeatable; a profile's protect = [...] adds to it.",
        valueName: "glob"))
    var protect: [String] = []

    func validate() throws {
        if let maxChanges, maxChanges < 0 { throw ValidationError("--max-changes must be 0 or more, got \(maxChanges)") }
        if let empty = protect.first(where: { $0.isEmpty }) { throw ValidationError("--protect needs a glob, got '\(empty)'") }
    }

    /// The flags' guardrails plus the profile's `protect` globs (a profile is read only
    /// without `--simulator`, which takes none).
    ///
    /// - Throws: ``CommandFailure`` (exit 2) for a bad configuration file or unknown profile.
    func guardrails(connection: ConnectionOptions) throws -> Guardrails {
        guard !connection.simulator else { return Guardrails(maxChanges: maxChanges, protect: protect) }
        let settings = try ConnectionSettings.resolve(
            profileFlag: connection.profile, baseURLFlag: connection.baseURL, tokenFileFlag: connection.tokenFile,
            environment: ProcessInfo.processInfo.environment)
        return Guardrails(maxChanges: maxChanges, protect: protect + settings.protect.filter { !protect.contains($0) })
    }
}
