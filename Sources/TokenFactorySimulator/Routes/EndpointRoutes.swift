internal import Hummingbird
internal import TFScriptJSON

/// The control-plane API of DESIGN.md §1.
struct EndpointRoutes {
    let state: SimulatorState

    func register(on router: Router<SimulatorContext>) {
        let endpoints = router.group("v0/dedicated_endpoints")
        endpoints.get { request, context in
            let query = request.uri.queryParameters
            let reply = await state.list(pageToken: query["page_token"].map(String.init), pageSize: query["page_size"].map(String.init))
            return reply.response(spoiledBy: context.spoiler)
        }
        endpoints.post { request, context in
            let reply = await withJSONBody(request) { body in await state.create(body: body) }
            return reply.response(spoiledBy: context.spoiler)
        }
        endpoints.get("templates") { _, context in
            await state.listTemplates().response(spoiledBy: context.spoiler)
        }
        endpoints.get(":id") { _, context in
            let id = try context.parameters.require("id")
            return await state.get(id: id).response(spoiledBy: context.spoiler)
        }
        endpoints.patch(":id") { request, context in
            let id = try context.parameters.require("id")
            let reply = await withJSONBody(request) { body in await state.patch(id: id, body: body) }
            return reply.response(spoiledBy: context.spoiler)
        }
        endpoints.delete(":id") { _, context in
            let id = try context.parameters.require("id")
            return await state.delete(id: id).response(spoiledBy: context.spoiler)
        }
    }

    /// Parses the (already collected) body as JSON, or answers 400.
    private func withJSONBody(_ request: Request, _ body: (JSONValue) async -> APIReply) async -> APIReply {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: SimulatorMiddleware.maxBodyBytes) else {
            return .error(413, "invalid_argument", "request body too large")
        }
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { return .error(400, "invalid_argument", "request body is empty; send a JSON object") }
        do {
            return await body(try JSONValue(parsing: bytes))
        } catch {
            return .error(400, "invalid_argument", "request body is not valid JSON: \(error)")
        }
    }
}
