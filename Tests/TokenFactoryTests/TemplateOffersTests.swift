import TFScriptJSON
import TokenFactory
import TokenFactorySimulator
import Testing

/// The catalogue rules shared by the client's pre-send check and the simulator's 422.
struct TemplateOffersTests {
    let offers = TemplateOffers(templates: TemplateCatalogue.builtIn)

    func spec(_ model: String, _ flavor: String, _ gpu: String, count: Int64? = nil, region: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["name": "x", "model_name": .string(model), "flavor_name": .string(flavor), "gpu_type": .string(gpu)]
        if let count { fields["gpu_count"] = .integer(count) }
        if let region { fields["region"] = .string(region) }
        return .object(fields)
    }

    @Test("an offered combination passes; gpu_count and region are checked only when given")
    func offered() {
        #expect(offers.issue(for: spec("openai/gpt-oss-120b", "base", "gpu-h100-sxm")) == nil)
        #expect(offers.issue(for: spec("openai/gpt-oss-120b", "fast", "gpu-b200-sxm", count: 8, region: "us-central1")) == nil)
    }

    @Test("the first level nothing matches is named, with the choices offered there", arguments: [
        ("nope/model", "base", "gpu-h100-sxm", nil, nil,
         #"model_name must be one of openai/gpt-oss-120b, openai/gpt-oss-20b, meta-llama/Llama-3.3-70B-Instruct, Qwen/Qwen3-32B, deepseek-ai/DeepSeek-R1-0528 in the template catalogue, got "nope/model""#),
        ("openai/gpt-oss-120b", "turbo", "gpu-h100-sxm", nil, nil,
         #"flavor_name must be one of base, fast for openai/gpt-oss-120b, got "turbo""#),
        ("openai/gpt-oss-120b", "base", "gpu-b200-sxm", nil, nil,
         #"gpu_type must be one of gpu-h100-sxm, gpu-h200-sxm for openai/gpt-oss-120b base, got "gpu-b200-sxm""#),
        ("openai/gpt-oss-120b", "base", "gpu-h100-sxm", 3, nil,
         "gpu_count must be one of 1, 2, 4, 8 for openai/gpt-oss-120b base gpu-h100-sxm, got 3"),
        ("deepseek-ai/DeepSeek-R1-0528", "fast", "gpu-b200-sxm", 8, "eu-north1",
         #"region must be one of eu-west1, us-central1 for deepseek-ai/DeepSeek-R1-0528 fast gpu-b200-sxm x8, got "eu-north1""#),
    ] as [(String, String, String, Int64?, String?, String)])
    func refused(model: String, flavor: String, gpu: String, count: Int64?, region: String?, message: String) {
        #expect(offers.issue(for: spec(model, flavor, gpu, count: count, region: region))?.description == message)
    }

    @Test("a catalogue without the fields it checks never blocks a create")
    func unfamiliarCatalogue() {
        let odd = TemplateOffers(templates: [["template_id": "t1", "price": 3]])
        #expect(odd.issue(for: spec("any/model", "base", "gpu-x")) == nil)
        #expect(TemplateOffers(templates: []).issue(for: spec("any/model", "base", "gpu-x")) == nil)
    }

    @Test("every endpoint of the demo fleet is offered")
    func demoFleetOffered() {
        for endpoint in Fleet.demo {
            #expect(offers.issue(for: endpoint) == nil, "\(endpoint["name"]!)")
        }
    }
}
