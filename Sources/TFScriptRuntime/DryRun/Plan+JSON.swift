public import TFScriptJSON
import Foundation

extension Plan {
    /// The plan file's JSON form (see docs/dry-run.md).
    public var json: JSONValue {
        var summary: [String: JSONValue] = [:]
        for kind in EndpointOperation.builtIn + actions { summary[kind.name] = .integer(Int64(count(of: kind))) }
        var object: [String: JSONValue] = [
            "format_version": .integer(Plan.formatVersion),
            "created_at": .string(Self.timestampFormatter.string(from: createdAt)),
            "base_url": .string(baseURL),
            "operations": .array(operations.enumerated().map { $0.element.json(index: $0.offset + 1) }),
            "summary": .object(summary),
            "gpus": Plan.gpuJSON(gpus),
        ]
        if let script { object["script"] = .string(script) }
        return .object(object)
    }

    /// Reads a plan file, refusing anything apply could misread.
    public init(json: JSONValue) throws(PlanFormatError) {
        try self.init(json: json, operations: EndpointOperation.builtIn)
    }

    /// Reads a plan file whose operations are among `operations` (an engine's catalogue).
    package init(json: JSONValue, operations known: [EndpointOperation]) throws(PlanFormatError) {
        guard case .object = json else { throw PlanFormatError("a plan file holds a JSON object") }
        guard let version = json["format_version"]?.integerValue else {
            throw PlanFormatError("format_version is missing; is this a tfscript plan file?")
        }
        guard version == Plan.formatVersion else {
            throw PlanFormatError("format_version \(version) is not supported (this tfscript reads version \(Plan.formatVersion))")
        }
        guard let baseURL = json["base_url"]?.stringValue else { throw PlanFormatError("base_url is missing") }
        guard let operations = json["operations"]?.arrayValue else { throw PlanFormatError("operations is missing") }
        let createdAt = json["created_at"]?.stringValue.flatMap { Self.timestampFormatter.date(from: $0) } ?? Date(timeIntervalSince1970: 0)
        var parsed: [PlanOperation] = []
        for (offset, operation) in operations.enumerated() {
            parsed.append(try PlanOperation(json: operation, index: offset + 1, operations: known))
        }
        self.init(createdAt: createdAt, baseURL: baseURL, script: json["script"]?.stringValue, operations: parsed)
    }

    static var timestampFormatter: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }
}

extension PlanOperation {
    func json(index: Int) -> JSONValue {
        var object: [String: JSONValue] = [
            "index": .integer(Int64(index)),
            "kind": .string(kind.rawValue),
            "target": .string(target),
        ]
        object["body"] = body
        object["before"] = before
        object["after"] = after
        object["gpus"] = Plan.gpuJSON(gpus)
        return .object(object)
    }

    init(json: JSONValue, index: Int, operations known: [EndpointOperation]) throws(PlanFormatError) {
        guard let kindName = json["kind"]?.stringValue, let kind = EndpointOperation.named(kindName, in: known) else {
            let names = known.map(\.name)
            throw PlanFormatError("operation \(index): kind must be \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")")
        }
        guard let target = json["target"]?.stringValue, !target.isEmpty else {
            throw PlanFormatError("operation \(index): target is missing")
        }
        let body = json["body"]
        let before = json["before"]
        if kind.bodyArgument != nil, body?.objectValue == nil {
            throw PlanFormatError("operation \(index) (\(kind.rawValue)): body must be an object")
        }
        if kind.hasTarget, before?.objectValue == nil {
            throw PlanFormatError("operation \(index) (\(kind.rawValue)): the before snapshot is missing, so staleness cannot be checked")
        }
        self.init(kind: kind, target: target, body: body, before: before, after: json["after"])
    }
}

/// A plan file that cannot be used, and why.
public struct PlanFormatError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { "invalid plan: \(message)" }
}
