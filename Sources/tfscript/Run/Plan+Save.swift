import Logging
import Foundation
import TFScript
import TFScriptJSON

extension Plan {
    /// Saves the plan for `tfscript apply` (pretty JSON, atomically, mode 0600: a plan holds
    /// the fleet's configuration) and says how to apply it, through `announce` (tfscript's
    /// diagnostics on stderr unless a REPL under test captures them).
    func save(
        to path: String,
        announce: (_ text: String, _ event: String, _ fields: [String: JSONValue]) -> Void = { Diagnostics.write($0, event: $1, level: .info, fields: $2) }
    ) throws {
        do {
            try PrivateFile.write(Array((json.serialized(pretty: true) + "\n").utf8), to: path)
        } catch {
            throw CommandFailure(exitCode: 1, message: "cannot write the plan to \(path): \(error). Check the folder exists and is writable")
        }
        announce("Plan saved to \(path). Apply it with: tfscript apply \(path)\n", "plan.saved", ["path": .string(path)])
    }
}
