import TFScriptJSON
import TokenFactory
import TFScriptRuntime
import TFScript

/// Reads a plan saved by `--plan-out`, for `apply` and `show`: size-capped, and a file that is
/// not a plan is a usage error (exit 2) naming the file.
enum PlanFile {
    static func read(_ path: String) throws -> Plan {
        let data: [UInt8]
        do {
            data = try BoundedFile.read(path, limit: BoundedFile.planLimit)
        } catch {
            throw CommandFailure(exitCode: 2, message: "cannot read plan \(path): \(error)")
        }
        do {
            return try Plan(json: JSONValue(parsing: data))
        } catch {
            throw CommandFailure(exitCode: 2, message: "\(path): \(error)")
        }
    }
}
