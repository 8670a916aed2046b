public import TFScriptJSON

/// The built-in template catalogue: models × flavors × GPU types × GPU counts, with prices.
///
/// Prices are per replica-hour: the GPU's hourly rate × count, ×1.4 for the `fast` flavor, so
/// "the cheapest template for a model" has one clear answer.
public enum TemplateCatalogue {
    public static let models = [
        "openai/gpt-oss-120b", "openai/gpt-oss-20b", "meta-llama/Llama-3.3-70B-Instruct",
        "Qwen/Qwen3-32B", "deepseek-ai/DeepSeek-R1-0528",
    ]
    public static let flavors = ["base", "fast"]
    /// GPU type and hourly USD price per GPU.
    public static let gpuTypes: [(name: String, pricePerGPUHour: Double)] = [
        ("gpu-h100-sxm", 2.95), ("gpu-h200-sxm", 3.50), ("gpu-b200-sxm", 5.50),
    ]
    public static let gpuCounts: [Int64] = [1, 2, 4, 8]

    /// Every combination as a template object.
    public static var builtIn: [JSONValue] {
        var templates: [JSONValue] = []
        for model in models {
            for flavor in flavors {
                for gpu in gpuTypes {
                    for count in gpuCounts {
                        let slug = model.split(separator: "/").last.map(String.init)?.lowercased() ?? model
                        let price = (gpu.pricePerGPUHour * Double(count) * (flavor == "fast" ? 1.4 : 1.0) * 100).rounded() / 100
                        templates.append([
                            "template_id": .string("\(slug)-\(flavor)-\(gpu.name)-x\(count)"),
                            "model_name": .string(model),
                            "flavor_name": .string(flavor),
                            "gpu_type": .string(gpu.name),
                            "gpu_count": .integer(count),
                            "regions": ["eu-north1", "eu-west1", "us-central1"],
                            "price_per_hour": ["amount": .number(price), "currency": "USD"],
                        ])
                    }
                }
            }
        }
        return templates
    }
}
