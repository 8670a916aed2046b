internal import Foundation
public import TFScriptJSON
internal import TokenFactory

/// The endpoints a simulator starts with.
public enum Fleet {
    /// A fleet file that could not be used; says which file and which entry.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a fleet file: a JSON array of endpoint objects, or an object with an `endpoints`
    /// array. Each object needs a `name`; `endpoint_id` (or `id`) is generated when absent, and
    /// `status` defaults to `running` when `enabled` is true (the default) and `stopped` otherwise.
    public static func load(path: String) throws(LoadError) -> [JSONValue] {
        let data: [UInt8]
        do {
            data = try BoundedFile.read(path, limit: BoundedFile.fleetLimit)
        } catch {
            throw LoadError(description: "cannot read fleet file \(path): \(error)")
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: data)
        } catch {
            throw LoadError(description: "fleet file \(path) is not valid JSON: \(error)")
        }
        return try parse(value, source: path)
    }

    /// Checks a fleet given as JSON (see ``load(path:)``).
    public static func parse(_ value: JSONValue, source: String = "fleet") throws(LoadError) -> [JSONValue] {
        guard let entries = value.arrayValue ?? value["endpoints"]?.arrayValue else {
            throw LoadError(description: "\(source) must be a JSON array of endpoint objects or {\"endpoints\": [...]}")
        }
        for (index, entry) in entries.enumerated() {
            guard entry.objectValue != nil else { throw LoadError(description: "\(source): entry \(index) is not an object") }
            guard let name = entry["name"]?.stringValue, !name.isEmpty else {
                throw LoadError(description: "\(source): entry \(index) has no name")
            }
        }
        return entries
    }

    /// Twelve endpoints across eu-north1, eu-west1 and us-central1 with `prod-`, `staging-` and
    /// `test-` names, some disabled, for demos and examples.
    public static var demo: [JSONValue] {
        let rows: [(String, String, String, String, Int64, String, Int64, Int64, Bool)] = [
            ("prod-chat", "openai/gpt-oss-120b", "fast", "gpu-h200-sxm", 2, "eu-north1", 2, 6, true),
            ("prod-embed-search", "Qwen/Qwen3-32B", "base", "gpu-h100-sxm", 1, "eu-north1", 1, 4, true),
            ("staging-chat", "openai/gpt-oss-120b", "base", "gpu-h100-sxm", 2, "eu-north1", 1, 2, true),
            ("test-llama-eval", "meta-llama/Llama-3.3-70B-Instruct", "base", "gpu-h100-sxm", 2, "eu-north1", 0, 1, false),
            ("prod-reasoning", "deepseek-ai/DeepSeek-R1-0528", "fast", "gpu-b200-sxm", 8, "eu-west1", 1, 3, true),
            ("staging-reasoning", "deepseek-ai/DeepSeek-R1-0528", "base", "gpu-h200-sxm", 8, "eu-west1", 0, 1, true),
            ("test-qwen-ci", "Qwen/Qwen3-32B", "base", "gpu-h100-sxm", 1, "eu-west1", 0, 1, true),
            ("test-scratch", "openai/gpt-oss-20b", "base", "gpu-h100-sxm", 1, "eu-west1", 0, 1, false),
            ("prod-us-chat", "openai/gpt-oss-120b", "fast", "gpu-h200-sxm", 2, "us-central1", 2, 8, true),
            ("staging-us-llama", "meta-llama/Llama-3.3-70B-Instruct", "fast", "gpu-h200-sxm", 4, "us-central1", 1, 2, false),
            ("test-us-batch", "openai/gpt-oss-20b", "base", "gpu-h100-sxm", 1, "us-central1", 0, 2, true),
            ("test-us-load", "meta-llama/Llama-3.3-70B-Instruct", "base", "gpu-b200-sxm", 4, "us-central1", 1, 4, true),
        ]
        return rows.enumerated().map { index, row in
            let number = String(format: "%02d", index + 1)
            let (name, model, flavor, gpu, count, region, minimum, maximum, enabled) = row
            return [
                "endpoint_id": .string("ep-demo-\(number)"),
                "name": .string(name),
                "description": .string("demo endpoint \(name)"),
                "model_name": .string(model),
                "flavor_name": .string(flavor),
                "gpu_type": .string(gpu),
                "gpu_count": .integer(count),
                "region": .string(region),
                "scaling": ["min_replicas": .integer(minimum), "max_replicas": .integer(maximum)],
                "enabled": .bool(enabled),
                "routing_key": .string("dedicated/ep-demo-\(number)"),
                "status": .string(enabled ? "running" : "stopped"),
                "created_at": .string("2026-10-\(number)T08:00:00Z"),
                "updated_at": .string("2026-11-\(number)T09:30:00Z"),
            ]
        }
    }
}
