import Foundation
import Testing
import TestSupport
import TFScript
import TFScriptSimulation
import TokenFactorySimulator

/// Creates checked against the template catalogue before anything is sent, in dry-run and live
/// runs alike; duplicate names caught by a dry run as the API would; `tf.templates.list`
/// filters and `tf.templates.spec`.
struct CatalogueTests {
    static let modes = [false, true]

    func templateReads(_ api: SimulatedEngine) async -> Int {
        await api.simulator.requestLog().filter { $0.path == "/v0/dedicated_endpoints/templates" }.count
    }

    @Test("a create the catalogue does not offer is refused before sending, naming the valid choices (live and dry-run)", arguments: modes)
    func notOffered(dryRun: Bool) async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local function try(spec) local ok, err = pcall(tf.endpoints.create, spec) print(err.kind, err.message) end
            try{name = "a", model_name = "openai/gpt-oss-120b", flavor_name = "base", gpu_type = "gpu-b200-sxm"}
            try{name = "b", model_name = "deepseek-ai/DeepSeek-R1-0528", flavor_name = "fast", gpu_type = "gpu-b200-sxm", region = "eu-north1"}
            try{name = "c", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm", gpu_count = 3}
            """, { $0.dryRun = dryRun })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            validation\ttf.endpoints.create: spec.gpu_type must be one of gpu-h100-sxm, gpu-h200-sxm for openai/gpt-oss-120b base, got "gpu-b200-sxm"
            validation\ttf.endpoints.create: spec.region must be one of eu-west1, us-central1 for deepseek-ai/DeepSeek-R1-0528 fast gpu-b200-sxm, got "eu-north1"
            validation\ttf.endpoints.create: spec.gpu_count must be one of 1, 2, 4, 8 for openai/gpt-oss-20b base gpu-h100-sxm, got 3

            """)
        #expect(await api.mutatingRequests().isEmpty)
        #expect(await templateReads(api) == 1)
    }

    @Test("the catalogue is read once per run, shared by concurrent creates and tf.templates.list")
    func readOnce() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            tf.parallel({1, 2, 3, 4}, function(i)
              tf.endpoints.create{name = "p" .. i, model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"}
            end)
            for i = 1, 3 do
              tf.endpoints.create{name = "n" .. i, model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"}
            end
            print(#tf.templates.list() > 0)
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(await templateReads(api) == 1)
        #expect(await api.mutatingRequests().count == 7)
    }

    @Test("a dry run refuses a name that exists, or was planned earlier, with the API's 409")
    func duplicateNames() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let source = """
            local spec = {name = "prod-chat", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"}
            local ok, err = pcall(tf.endpoints.create, spec)
            print(err.kind, err.status, err.message)
            spec.name = "fresh"
            tf.endpoints.create(spec)
            ok, err = pcall(tf.endpoints.create, spec)
            print(err.status, err.message)
            ok, err = pcall(tf.endpoints.patch, "ep-demo-02", {name = "staging-chat"})
            print(err.status, err.method, err.path)
            tf.endpoints.delete("ep-demo-08")
            print(tf.endpoints.create{name = "test-scratch", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"}.name)
            """
        let dry = try await api.run(source, { $0.dryRun = true })
        #expect(dry.status == 0, "\(dry.stderr)")
        let lines = dry.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(dry.stdout)")
        #expect(lines[0] == "api\t409\ttf.endpoints.create: POST /v0/dedicated_endpoints: HTTP 409 already_exists: a dedicated endpoint named prod-chat already exists (found in dry run: nothing was sent). The request conflicts with the current state (for example a duplicate name)")
        #expect(lines[1].hasPrefix("409\ttf.endpoints.create: POST /v0/dedicated_endpoints: HTTP 409 already_exists: a dedicated endpoint named fresh already exists (created earlier in this dry run)"))
        #expect(lines[2] == "409\tPATCH\t/v0/dedicated_endpoints/ep-demo-02")
        #expect(lines[3] == "test-scratch")
        #expect(await api.mutatingRequests().isEmpty)
        // The live run is refused by the server with the same words (without the dry-run note).
        let live = try await api.run("""
            local ok, err = pcall(tf.endpoints.create, {name = "prod-chat", model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm"})
            print(err.kind, err.status, err.message)
            """)
        #expect(live.stdout == lines[0].replacingOccurrences(of: " (found in dry run: nothing was sent)", with: "") + "\n")
    }

    @Test("tf.templates.list filters by model, flavor, GPU type and region; unknown keys are refused")
    func listFilter() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            print(#tf.templates.list{model_name = "openai/gpt-oss-120b"})
            print(#tf.templates.list{model_name = "openai/gpt-oss-120b", flavor_name = "base"})
            print(#tf.templates.list{gpu_type = "gpu-b200-sxm", region = "eu-north1"})
            print(#tf.templates.list{gpu_type = "gpu-b200-sxm", region = "eu-west1"})
            print(select(2, pcall(tf.templates.list, {modle_name = "x"})).message)
            print(select(2, pcall(tf.templates.list, {region = 1})).message)
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            16
            8
            0
            20
            tf.templates.list: filter.modle_name is not a filter key (use model_name, flavor_name, gpu_type, region)
            tf.templates.list: filter.region must be a string, got an integer

            """)
    }

    @Test("tf.templates.spec makes a create spec from a template entry or id; given fields win")
    func specFromTemplate() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let result = try await api.run("""
            local t = tf.templates.list{model_name = "openai/gpt-oss-20b", flavor_name = "fast", gpu_type = "gpu-h200-sxm"}[2]
            local ep = tf.endpoints.create(tf.templates.spec(t, {name = "from-entry", region = "us-central1"}))
            print(ep.name, ep.gpu_type, ep.gpu_count, ep.region)
            local spec = tf.templates.spec("gpt-oss-20b-base-gpu-h100-sxm-x4", {name = "from-id", gpu_count = 1})
            print(spec.model_name, spec.flavor_name, spec.gpu_type, spec.gpu_count, spec.name)
            print(select(2, pcall(tf.templates.spec, "no-such-template")).message)
            print(select(2, pcall(tf.templates.spec, t, {colour = "red"})).message)
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            from-entry\tgpu-h200-sxm\t2\tus-central1
            openai/gpt-oss-20b\tbase\tgpu-h100-sxm\t1\tfrom-id
            tf.templates.spec: no template has the id "no-such-template" (tf.templates.list() lists them)
            tf.templates.spec: fields.colour is not a known field (known fields: name, description, model_name, flavor_name, gpu_type, gpu_count, region, scaling, enabled)

            """)
        let post = await api.simulator.requestLog().first { $0.method == "POST" }
        #expect(post?.body == [
            "name": "from-entry", "region": "us-central1", "model_name": "openai/gpt-oss-20b", "flavor_name": "fast",
            "gpu_type": "gpu-h200-sxm", "gpu_count": 2,
        ])
    }
}
