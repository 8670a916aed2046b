import Foundation
public import TFScriptJSON

/// Shared fixtures of the fault tests: a token full of characters that break naive redaction,
/// endpoint objects, and a way to run `tfscript` against a ``FaultServer``.
public enum FaultRig {
    /// Regex- and JSON-special characters, a quote and a backslash, non-ASCII letters and an
    /// emoji: whatever the redactor does must work on bytes, not patterns or graphemes.
    public static let token = #"tk-Σ.*+?[](){}|^$"\/é😀-0123456789abcdef"#
    public static var tokenBytes: [UInt8] { Array(token.utf8) }

    public static func endpoint(_ id: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "endpoint_id": .string(id), "name": .string("name-\(id)"), "model_name": "openai/gpt-oss-20b",
            "flavor_name": "base", "gpu_type": "gpu-h100-sxm", "gpu_count": 1, "region": "eu-west1",
            "scaling": ["min_replicas": 0, "max_replicas": 2], "enabled": true, "status": "running",
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    public static func environment(token: String = FaultRig.token) -> [String: String] {
        TFScriptProcess.baseEnvironment.merging(["TOKEN_FACTORY_API_KEY": token]) { _, new in new }
    }

    /// `tfscript run --base-url SERVER FLAGS script.lua`.
    public static func run(
        _ source: String, server: FaultServer, flags: [String] = [],
        onStart: (@Sendable (Int32) -> Void)? = nil, takesSlot: Bool = true
    ) async throws -> TFScriptProcess.Result {
        let script = try TFScriptProcess.writeTemporaryFile(named: "script.lua", contents: source)
        return try await TFScriptProcess.run(
            ["run", "--base-url", server.baseURL] + flags + [script.path], environment: environment(), onStart: onStart, takesSlot: takesSlot)
    }

    public static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tf-\(UUID().uuidString)-\(name)").path
    }

    public static func journalLines(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    public static func mode(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : -1
    }

    /// JSON text of `text` with every non-ASCII scalar, quote, backslash and slash escaped as
    /// `\uXXXX`: the token as a server might echo it, never byte-equal to the token itself.
    public static func escapedJSONString(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            if unit < 0x80, unit != 0x22, unit != 0x5C, unit != 0x2F { out.unicodeScalars.append(Unicode.Scalar(unit)!) } else { out += String(format: "\\u%04x", unit) }
        }
        return out + "\""
    }
}

/// A little in-memory control plane for tests that need state across requests (apply resume,
/// kill mid-run): GET returns the endpoint, PATCH merges the body, DELETE removes it.
public final class FakeFleet: Sendable {
    private let endpoints: Mutex<[String: JSONValue]>

    public init(_ ids: [String]) {
        endpoints = Mutex(Dictionary(uniqueKeysWithValues: ids.map { ($0, FaultRig.endpoint($0)) }))
    }

    /// A fleet of these endpoint objects, by their `endpoint_id`.
    public init(endpoints: [JSONValue]) {
        self.endpoints = Mutex(Dictionary(uniqueKeysWithValues: endpoints.map { ($0["endpoint_id"]?.stringValue ?? "", $0) }))
    }

    public subscript(id: String) -> JSONValue? { endpoints.withLock { $0[id] } }

    public func answer(_ request: FaultServer.Request) -> FaultServer.Action {
        let prefix = "/v0/dedicated_endpoints/"
        guard request.path.hasPrefix(prefix) else {
            let all = endpoints.withLock { Array($0.values) }
            return .json(200, ["endpoints": .array(all)])
        }
        let id = String(request.path.dropFirst(prefix.count))
        return endpoints.withLock { fleet in
            guard let current = fleet[id] else { return .json(404, ["error": ["message": "no such endpoint"]]) }
            switch request.method {
            case "PATCH":
                guard case .object(var object) = current, case .object(let changes)? = request.json else { return .json(400, [:]) }
                for (key, value) in changes { object[key] = value }
                fleet[id] = .object(object)
                return .json(200, .object(object))
            case "DELETE":
                fleet[id] = nil
                return .respond(status: 204)
            default:
                return .json(200, current)
            }
        }
    }
}

import Synchronization
