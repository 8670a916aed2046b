import Logging
import Foundation
import TFScript

extension Plan {
    /// Saves the plan for `tfscript apply` (pretty JSON, atomically, mode 0600: a plan holds
    /// the fleet's configuration) and says how to apply it.
    func save(to path: String) throws {
        do {
            try PrivateFile.write(Array((json.serialized(pretty: true) + "\n").utf8), to: path)
        } catch {
            throw CommandFailure(exitCode: 1, message: "cannot write the plan to \(path): \(error). Check the folder exists and is writable")
        }
        Diagnostics.write("Plan saved to \(path). Apply it with: tfscript apply \(path)\n", event: "plan.saved", level: .info, fields: ["path": .string(path)])
    }
}
