import ArgumentParser
import Foundation
import TFScriptJSON
import TokenFactory

/// `--set scaling.min_replicas=0 --set enabled=false`: endpoint fields from the command line,
/// typed by the field table (integers, booleans, strings), as JSON a patch or create sends.
///
/// Typed here, not guessed from the text: `--set description=123` is the string "123",
/// `--set gpu_count=2` the integer 2, and `--set gpu_count=two` an error naming the field.
/// The result then goes through the same validation as `tf.endpoints.patch` in Lua.
enum FieldAssignments {
    enum Kind { case string, integer, boolean }

    /// Every field `--set` takes, with its type.
    static let fields: [(path: String, kind: Kind)] = [
        ("name", .string), ("description", .string), ("model_name", .string), ("flavor_name", .string),
        ("gpu_type", .string), ("gpu_count", .integer), ("region", .string),
        ("scaling.min_replicas", .integer), ("scaling.max_replicas", .integer), ("enabled", .boolean),
    ]

    /// The fields of `assignments` (`PATH=VALUE` each) as one JSON object.
    static func object(_ assignments: [String]) throws(ValidationError) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ValidationError("--set expects FIELD=VALUE (scaling.min_replicas=0), got '\(assignment)'")
            }
            let path = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
            let text = String(assignment[assignment.index(after: equals)...])
            guard let field = fields.first(where: { $0.path == path }) else {
                throw ValidationError("--set \(path): not a field an endpoint has (fields: \(fields.map(\.path).joined(separator: ", ")))")
            }
            let value = try typed(text, field.kind, path: path)
            if path.hasPrefix("scaling.") {
                var scaling = object["scaling"]?.objectValue ?? [:]
                scaling[String(path.dropFirst("scaling.".count))] = value
                object["scaling"] = .object(scaling)
            } else {
                object[path] = value
            }
        }
        return object
    }

    private static func typed(_ text: String, _ kind: Kind, path: String) throws(ValidationError) -> JSONValue {
        switch kind {
        case .string:
            return .string(text)
        case .integer:
            guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--set \(path): expects an integer, got '\(text)'")
            }
            return .integer(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw ValidationError("--set \(path): expects true or false, got '\(text)'")
            }
        }
    }

    /// `error`'s issues worded for the command line: `--set scaling.min_replicas: must be …`.
    static func message(_ error: TokenFactoryError, flag: String) -> String {
        guard !error.issues.isEmpty else { return error.message }
        return error.issues.map { issue in
            issue.path.isEmpty ? "\(flag): \(issue.message)" : "\(flag) \(issue.path): \(issue.message)"
        }.joined(separator: "; ")
    }
}
