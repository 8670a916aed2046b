import Foundation
import TFScriptJSON
import TokenFactory

/// What a journal says about the operations of one plan, for `tfscript apply --journal`.
///
/// Reads every line the journal holds for the plan (matched by ``Plan/fingerprint``). A torn
/// last line (the process was killed mid-write) is skipped: its intent was never fsync'd
/// complete, so the request it announced was never sent.
public struct JournalReplay: Sendable {
    /// The journal's verdict on one plan operation.
    public enum State: Sendable, Equatable {
        /// An `ok` outcome: applied. `id` is the endpoint it produced or touched, when known.
        case done(id: String?)
        /// An intent with an `unknown` outcome, or none (crash): it may have been applied.
        case unknown
        /// The server refused it (`failed`): not applied.
        case failed
    }

    /// Verdict per 1-based plan operation index; operations the journal never mentions are absent.
    public var states: [Int: State] = [:]

    public init(states: [Int: State] = [:]) { self.states = states }

    /// Reads `path` (a missing file is an empty journal).
    public init(path: String, plan: Plan) throws(JournalError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let data: [UInt8]
        do { data = try BoundedFile.read(path, limit: BoundedFile.journalLimit, regularOnly: true) } catch {
            throw JournalError(message: "cannot read journal \(path) to resume the plan: \(error)")
        }
        let fingerprint = plan.fingerprint
        var intents: [String: Int] = [:]        // "run/seq" -> plan index
        var outcomes: [String: JSONValue] = [:] // "run/seq" -> outcome line
        var order: [String] = []
        for line in data.split(separator: 0x0A) {
            guard let entry = try? JSONValue(parsing: Array(line)),
                  let run = entry["run"]?.stringValue, let seq = entry["seq"]?.integerValue else { continue }
            let key = "\(run)/\(seq)"
            switch entry["phase"]?.stringValue {
            case "intent":
                guard entry["plan"]?.stringValue == fingerprint, let index = entry["plan_operation"]?.integerValue,
                      index >= 1, index <= Int64(plan.operations.count) else { continue }
                intents[key] = Int(index)
                order.append(key)
            case "outcome":
                outcomes[key] = entry
            default:
                continue
            }
        }
        for key in order {
            guard let index = intents[key] else { continue }
            if case .done = states[index] { continue }
            switch outcomes[key]?["outcome"]?.stringValue {
            case "ok": states[index] = .done(id: outcomes[key]?["id"]?.stringValue)
            case "failed": states[index] = .failed
            default: states[index] = .unknown
            }
        }
    }
}
