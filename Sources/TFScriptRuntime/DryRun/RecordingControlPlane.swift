public import TFScriptJSON
import Synchronization
import TokenFactory

/// The control plane under `--dry-run`: reads go to the API, changes (already validated by
/// their ``EndpointOperation``) are recorded in order and answered with a simulated result.
///
/// It holds an `EndpointReading` only, so no code path here can send a change. An overlay
/// keeps later reads consistent with what was recorded: patched fields show, deleted
/// endpoints are gone, created ones are listed under placeholder ids (`planned-1`, …).
public actor RecordingControlPlane: OperationPerformingPlane {
    private let reader: any EndpointReading
    private let notFound: @Sendable (_ id: String) -> any Error
    /// Behind a lock of its own (not only the actor) so the plan can be read from a thread that
    /// must not await: the REPL's `:plan` on the session's thread.
    private let operations = Mutex<[PlanOperation]>([])
    /// Planned creates, in creation order, by placeholder id.
    private var createdOrder: [String] = []
    private var created: [String: JSONValue] = [:]
    /// The script's view of existing endpoints it patched.
    private var patched: [String: JSONValue] = [:]
    private var deleted: Set<String> = []
    /// The API's endpoints as first read for a name check, so a dry run planning many creates
    /// lists the fleet once, not once per create.
    private var liveForNames: [JSONValue]?
    /// The template catalogue, read once at the first planned patch that changes a template
    /// field (model, flavor, GPU type or count).
    private var offers: TemplateOffers?

    /// - Parameter notFound: makes the error a real API would give for an unknown id, so a
    ///   script's `err.status == 404` branch behaves the same in a dry run.
    public init(reader: any EndpointReading, notFound: @escaping @Sendable (_ id: String) -> any Error) {
        self.reader = reader
        self.notFound = notFound
    }

    /// The operations recorded so far, in order.
    public nonisolated var recordedOperations: [PlanOperation] { operations.withLock { $0 } }

    /// True when `id` names an endpoint this run planned to create or change, so waiting on
    /// it against the real API would never see the planned state.
    public func isPlannedChange(_ id: String) -> Bool {
        created[id] != nil || patched[id] != nil || deleted.contains(id)
    }

    // MARK: Reads

    public func listEndpoints() async throws -> [JSONValue] {
        overlaid(try await reader.listEndpoints())
    }

    /// `live` as this run would see it: deleted endpoints gone, patched ones changed, planned
    /// creates appended.
    private func overlaid(_ live: [JSONValue]) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(live.count + createdOrder.count)
        for endpoint in live {
            guard let id = EndpointIdentity.id(of: endpoint) else {
                result.append(endpoint)
                continue
            }
            if deleted.contains(id) { continue }
            result.append(patched[id] ?? endpoint)
        }
        result.append(contentsOf: createdOrder.compactMap { created[$0] })
        return result
    }

    /// The API's pages as they are while nothing is planned; once a change is planned, one
    /// page of the overlaid list (``listEndpoints()``), so the script sees its own changes.
    public func endpointPages() async -> any EndpointPageSource {
        if createdOrder.isEmpty, patched.isEmpty, deleted.isEmpty { return await reader.endpointPages() }
        return WholeListPageSource(reader: self)
    }

    /// The error the API gives for a name in use (409), when `name` is taken by an endpoint
    /// that exists (and is not planned for deletion) or one planned earlier in this run: a
    /// dry run refuses what the live run would. Nil when the name is free.
    private func nameConflict(_ name: String, method: String, path: String, except id: String? = nil) async throws -> TokenFactoryError? {
        let live: [JSONValue]
        if let liveForNames {
            live = liveForNames
        } else {
            live = try await reader.listEndpoints()
            liveForNames = live
        }
        // No suspension from here until the caller records its change, so two workers of a
        // tf.parallel planning the same name cannot both pass.
        guard let holder = overlaid(live).first(where: { $0["name"]?.stringValue == name && EndpointIdentity.id(of: $0) != id }) else {
            return nil
        }
        let planned = EndpointIdentity.id(of: holder).map { created[$0] != nil } ?? false
        var error = TokenFactoryError(
            kind: .api, status: 409,
            message: "a dedicated endpoint named \(name) already exists" + (planned ? " (created earlier in this dry run)" : ""),
            apiCode: "already_exists", method: method, path: path)
        error.foundInDryRun = true
        return error
    }

    public func endpoint(id: String) async throws -> JSONValue {
        if deleted.contains(id) { throw notFound(id) }
        if let planned = created[id] ?? patched[id] { return planned }
        if id.hasPrefix(PlanOperation.placeholderPrefix) { throw notFound(id) }
        return try await reader.endpoint(id: id)
    }

    public func listTemplates() async throws -> [JSONValue] {
        try await reader.listTemplates()
    }

    // MARK: Changes (recorded, never sent)

    /// Records `operation` (its body already validated) and answers as the API would, after
    /// refusing what the API would refuse: an unknown target (404), a name in use (409), a
    /// body the endpoint as the plan leaves it cannot take (the operation's ``EndpointOperation/refusal``).
    public func perform(_ operation: EndpointOperation, target: String?, body: JSONValue?) async throws -> JSONValue? {
        let path = TokenFactoryClient.endpointsPath + (operation.hasTarget ? "/" + (target ?? "") : "")
            + (operation.request.action.map { "/" + $0 } ?? "")
        let catalogue = try await offersIfNeeded(for: operation, body: body)
        let before: JSONValue? = operation.hasTarget ? try await endpoint(id: target ?? "") : nil
        // The API's own rule against the endpoint as the earlier operations of this plan leave
        // it, so the plan holds nothing the live run would be refused for.
        if let body, let refusal = operation.refusal(body, before?.objectValue ?? [:], catalogue) {
            var error = refusal.error(method: operation.request.method, path: path)
            error.foundInDryRun = true
            throw error
        }
        if operation.effect != .delete, let name = body?["name"]?.stringValue, name != before?["name"]?.stringValue,
           let conflict = try await nameConflict(name, method: operation.request.method, path: path, except: target) {
            throw conflict
        }
        // No suspension from here on: the overlay and the plan change together.
        switch operation.effect {
        case .create:
            let id = PlanOperation.placeholderPrefix + String(createdOrder.count + 1)
            var result = operation.outcome(nil, body).objectValue ?? [:]
            result["endpoint_id"] = .string(id)
            let after = JSONValue.object(result)
            createdOrder.append(id)
            created[id] = after
            record(PlanOperation(kind: operation, target: id, body: body, before: nil, after: after))
            return after
        case .modify, .action:
            let id = target ?? ""
            let before = before ?? .null
            let after = operation.outcome(before, body)
            // A change that changes nothing is not a change: scripts that converge (scale to
            // zero what is not already at zero) then plan nothing and `--detailed-exitcode`
            // says 0. An action always does something.
            if operation.effect == .modify, WritableFields.differences(before: before, now: after).isEmpty { return before }
            if created[id] != nil { created[id] = after } else { patched[id] = after }
            record(PlanOperation(kind: operation, target: id, body: body, before: before, after: after))
            return after
        case .delete:
            let id = target ?? ""
            record(PlanOperation(kind: operation, target: id, body: body, before: before, after: nil))
            deleted.insert(id)
            patched[id] = nil
            if created.removeValue(forKey: id) != nil { createdOrder.removeAll { $0 == id } }
            return nil
        }
    }

    private func record(_ operation: PlanOperation) {
        operations.withLock { $0.append(operation) }
    }

    /// The catalogue when `operation` needs it for `body`, else nil (nothing to check).
    private func offersIfNeeded(for operation: EndpointOperation, body: JSONValue?) async throws -> TemplateOffers? {
        guard let body, operation.needsCatalogue(body) else { return nil }
        if let offers { return offers }
        let loaded = TemplateOffers(templates: try await reader.listTemplates())
        offers = loaded
        return loaded
    }

    /// `patch` applied to `base` the way the API applies a PATCH: given fields replace,
    /// nested objects (`scaling`) merge.
    static func merge(_ patch: JSONValue, into base: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch, case .object(var result) = base else { return patch }
        for (key, value) in changes {
            if case .object = value, let existing = result[key], case .object = existing {
                result[key] = merge(value, into: existing)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }
}

/// An endpoint's id, whichever field name the API used (DESIGN.md §1): the client's own
/// tolerant reading, so every layer agrees on it.
enum EndpointIdentity {
    static func id(of endpoint: JSONValue) -> String? {
        (try? Endpoint(raw: endpoint))?.id
    }
}
