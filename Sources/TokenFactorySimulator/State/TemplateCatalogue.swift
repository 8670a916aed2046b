public import TFScriptJSON

/// The built-in template catalogue: for each model, the flavors and GPU types it is offered
/// with, each in 1, 2, 4 or 8 GPUs, with the regions and prices.
///
/// Not every combination exists, as in a real catalogue: `openai/gpt-oss-120b` `base` runs on
/// H100 or H200 only, and B200 GPUs are offered in eu-west1 and us-central1 only. So a create
/// with a GPU type its flavor does not offer, or a region its GPU is not in, is refused (422),
/// and a dry run's catalogue check has something to catch. Every endpoint of the demo fleet is
/// offered.
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
    public static let regions = ["eu-north1", "eu-west1", "us-central1"]

    /// The GPU types each model is offered with, per flavor.
    public static let offers: [String: [String: [String]]] = [
        "openai/gpt-oss-120b": ["base": ["gpu-h100-sxm", "gpu-h200-sxm"], "fast": ["gpu-h200-sxm", "gpu-b200-sxm"]],
        "openai/gpt-oss-20b": ["base": ["gpu-h100-sxm", "gpu-h200-sxm"], "fast": ["gpu-h100-sxm", "gpu-h200-sxm"]],
        "meta-llama/Llama-3.3-70B-Instruct": [
            "base": ["gpu-h100-sxm", "gpu-h200-sxm", "gpu-b200-sxm"], "fast": ["gpu-h200-sxm", "gpu-b200-sxm"],
        ],
        "Qwen/Qwen3-32B": ["base": ["gpu-h100-sxm", "gpu-h200-sxm"], "fast": ["gpu-h200-sxm"]],
        "deepseek-ai/DeepSeek-R1-0528": ["base": ["gpu-h200-sxm", "gpu-b200-sxm"], "fast": ["gpu-b200-sxm"]],
    ]

    /// The regions a GPU type is offered in.
    public static func regions(of gpuType: String) -> [String] {
        gpuType == "gpu-b200-sxm" ? ["eu-west1", "us-central1"] : regions
    }

    /// Every offered combination as a template object.
    public static var builtIn: [JSONValue] {
        var templates: [JSONValue] = []
        for model in models {
            for flavor in flavors {
                for gpu in gpuTypes where offers[model]?[flavor]?.contains(gpu.name) == true {
                    for count in gpuCounts {
                        let slug = model.split(separator: "/").last.map(String.init)?.lowercased() ?? model
                        let price = (gpu.pricePerGPUHour * Double(count) * (flavor == "fast" ? 1.4 : 1.0) * 100).rounded() / 100
                        templates.append([
                            "template_id": .string("\(slug)-\(flavor)-\(gpu.name)-x\(count)"),
                            "model_name": .string(model),
                            "flavor_name": .string(flavor),
                            "gpu_type": .string(gpu.name),
                            "gpu_count": .integer(count),
                            "regions": .array(regions(of: gpu.name).map { .string($0) }),
                            "price_per_hour": ["amount": .number(price), "currency": "USD"],
                        ])
                    }
                }
            }
        }
        return templates
    }
}
