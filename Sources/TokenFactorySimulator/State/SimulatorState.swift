internal import Foundation
internal import TFScriptJSON
internal import TokenFactory

/// The simulator's whole mutable state: endpoints, request log, faults and the simulated clock.
///
/// An actor, so concurrent requests never race; no method blocks, so the event loop never waits.
actor SimulatorState {
    /// Seconds each transition takes at speed 1.
    static let transitionSeconds: [String: Double] = ["starting": 30, "stopping": 10, "updating": 20]

    private var endpoints: [String: SimulatedEndpoint] = [:]
    private var order: [String] = []
    let templates: [JSONValue]
    /// The catalogue as rules for creates and patches (shared with the client's own check).
    let offers: TemplateOffers
    private(set) var log: [RecordedRequest] = []
    private(set) var faults: [Fault]
    private var clockOffset: Double = 0
    let speed: Double
    let pageSize: Int
    let shape: ResponseShape

    init(fleet: [JSONValue], templates: [JSONValue], faults: [Fault], speed: Double, pageSize: Int, shape: ResponseShape) {
        self.templates = templates
        self.offers = TemplateOffers(templates: templates)
        self.faults = faults
        self.speed = speed
        self.pageSize = max(1, pageSize)
        self.shape = shape
        for entry in fleet {
            guard let endpoint = Self.seeded(entry) else { continue }
            endpoints[endpoint.id] = endpoint
            order.append(endpoint.id)
        }
    }

    private static func seeded(_ seed: JSONValue) -> SimulatedEndpoint? {
        guard var fields = seed.objectValue else { return nil }
        let id = fields["endpoint_id"]?.stringValue ?? fields["id"]?.stringValue ?? Self.newID()
        fields["endpoint_id"] = nil
        fields["id"] = nil
        let enabled = fields["enabled"]?.boolValue ?? true
        var settled = enabled ? "running" : "stopped"
        for key in ["status", "state"] {
            if let text = fields[key]?.stringValue { settled = text.lowercased() }
            fields[key] = nil
        }
        if fields["routing_key"] == nil { fields["routing_key"] = .string("dedicated/\(id)") }
        return SimulatedEndpoint(fields: fields, id: id, settled: settled)
    }

    static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "ep-" + String((0..<12).map { _ in alphabet.randomElement()! })
    }

    var now: Date { Date().addingTimeInterval(clockOffset) }

    func advanceClock(by seconds: Double) { clockOffset += seconds }

    private func duration(of phase: String) -> Double {
        guard speed.isFinite, speed > 0 else { return 0 }
        return (Self.transitionSeconds[phase] ?? 10) / speed
    }

    private static func timestamp(_ date: Date) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return .string(formatter.string(from: date))
    }

    // MARK: Endpoints

    func list(pageToken: String?, pageSize requested: String?) -> APIReply {
        var size = pageSize
        if let requested {
            guard let value = Int(requested), value > 0 else {
                return .error(400, "invalid_argument", "page_size must be a positive integer, got \(requested)")
            }
            size = min(value, 1000)
        }
        var offset = 0
        if let pageToken, !pageToken.isEmpty {
            guard pageToken.hasPrefix("o"), let value = Int(pageToken.dropFirst()), value >= 0, value <= order.count else {
                return .error(400, "invalid_argument", "page_token \(pageToken) is not a token this server issued")
            }
            offset = value
        }
        let now = self.now
        let all = order.compactMap { endpoints[$0]?.json(at: now, shape: shape) }
        guard let listKey = shape.listKey else { return .ok(.array(all)) }
        let page = Array(all[offset..<min(all.count, offset + size)])
        var body: [String: JSONValue] = [listKey: .array(page)]
        if offset + size < all.count { body["next_page_token"] = .string("o\(offset + size)") }
        return .ok(.object(body))
    }

    func get(id: String) -> APIReply {
        guard let endpoint = endpoints[id] else { return .notFound(id) }
        return .ok(endpoint.json(at: now, shape: shape))
    }

    func listTemplates() -> APIReply {
        guard let listKey = shape.listKey else { return .ok(.array(templates)) }
        return .ok([listKey == "endpoints" ? "templates" : listKey: .array(templates)])
    }

    func create(body: JSONValue) -> APIReply {
        let spec: EndpointSpec
        do {
            spec = try EndpointSpec(validating: body)
        } catch {
            return Self.invalid(error)
        }
        var fields = spec.body.objectValue ?? [:]
        let name = spec.name
        if endpoints.values.contains(where: { $0.name == name }) {
            return .error(409, "already_exists", "a dedicated endpoint named \(name) already exists")
        }
        if let problem = templateProblem(fields) { return problem }
        if fields["gpu_count"] == nil {
            fields["gpu_count"] = .integer(offers.matching(.object(fields)).compactMap(\.gpuCount).min() ?? 1)
        }
        let now = self.now
        let id = Self.newID()
        fields["description"] = fields["description"] ?? ""
        fields["region"] = fields["region"] ?? .string(defaultRegion(fields))
        fields["scaling"] = fields["scaling"] ?? ["min_replicas": 1, "max_replicas": 1]
        if var scaling = fields["scaling"]?.objectValue {
            let minimum = scaling["min_replicas"]?.integerValue ?? 1
            scaling["min_replicas"] = .integer(minimum)
            scaling["max_replicas"] = scaling["max_replicas"] ?? .integer(max(minimum, 1))
            if let maximum = scaling["max_replicas"]?.integerValue, maximum < minimum {
                return Self.invalidField("scaling.max_replicas", "must be ≥ scaling.min_replicas (\(minimum)), got \(maximum)")
            }
            fields["scaling"] = .object(scaling)
        }
        fields["enabled"] = fields["enabled"] ?? true
        fields["routing_key"] = .string("dedicated/\(id)")
        fields["created_at"] = Self.timestamp(now)
        fields["updated_at"] = Self.timestamp(now)
        var endpoint = SimulatedEndpoint(fields: fields, id: id, settled: "stopped")
        if endpoint.enabled {
            endpoint.begin("starting", then: "running", seconds: duration(of: "starting"), at: now)
        }
        endpoints[id] = endpoint
        order.append(id)
        return .ok(endpoint.json(at: now, shape: shape))
    }

    func patch(id: String, body: JSONValue) -> APIReply {
        guard var endpoint = endpoints[id] else { return .notFound(id) }
        let patch: EndpointPatch
        do {
            patch = try EndpointPatch(validating: body)
        } catch {
            return Self.invalid(error)
        }
        let changes = patch.body.objectValue ?? [:]
        // The same rule a dry run and `apply` check with, so their verdicts are the API's.
        if let refusal = patch.refusal(against: endpoint.fields, offers: offers) {
            return .error(refusal.status, refusal.apiCode, refusal.message,
                          details: [["field": .string(refusal.issue.path), "message": .string(refusal.issue.message)]])
        }
        var merged = patch.merged(into: endpoint.fields)
        if let name = changes["name"]?.stringValue, name != endpoint.name,
           endpoints.values.contains(where: { $0.name == name }) {
            return .error(409, "already_exists", "a dedicated endpoint named \(name) already exists")
        }
        let now = self.now
        let wasEnabled = endpoint.enabled
        let changed = merged != endpoint.fields
        merged["updated_at"] = changed ? Self.timestamp(now) : endpoint.fields["updated_at"]
        endpoint.fields = merged
        if endpoint.enabled != wasEnabled {
            if endpoint.enabled {
                endpoint.begin("starting", then: "running", seconds: duration(of: "starting"), at: now)
            } else {
                endpoint.begin("stopping", then: "stopped", seconds: duration(of: "stopping"), at: now)
            }
        } else if changed && endpoint.enabled {
            endpoint.begin("updating", then: "running", seconds: duration(of: "updating"), at: now)
        }
        endpoints[id] = endpoint
        return .ok(endpoint.json(at: now, shape: shape))
    }

    func delete(id: String) -> APIReply {
        guard endpoints.removeValue(forKey: id) != nil else { return .notFound(id) }
        order.removeAll { $0 == id }
        return APIReply(status: 204, body: nil)
    }

    /// Current endpoints in the configured shape, for tests and the control route.
    func snapshot() -> [JSONValue] {
        let now = self.now
        return order.compactMap { endpoints[$0]?.json(at: now, shape: shape) }
    }

    // MARK: Validation helpers

    private static func invalid(_ error: TokenFactoryError) -> APIReply {
        let details: [JSONValue] = error.issues.map { ["field": .string($0.path), "message": .string($0.message)] }
        return .error(400, "invalid_argument", error.issues.map(\.description).joined(separator: "; "), details: details)
    }

    private static func invalidField(_ path: String, _ message: String) -> APIReply {
        .error(400, "invalid_argument", "\(path) \(message)", details: [["field": .string(path), "message": .string(message)]])
    }

    /// eu-north1, unless the chosen template is not offered there: then its first region.
    private func defaultRegion(_ fields: [String: JSONValue]) -> String {
        let regions = offers.matching(.object(fields)).flatMap(\.regions)
        return regions.isEmpty || regions.contains("eu-north1") ? "eu-north1" : regions[0]
    }

    /// A 422 when the catalogue does not offer the combination, worded as the client's own
    /// check words it (``TemplateOffers``), so a dry run and a live run refuse alike.
    private func templateProblem(_ fields: [String: JSONValue]) -> APIReply? {
        guard let issue = offers.issue(for: .object(fields)) else { return nil }
        let message = TemplateOffers.refusalMessage(issue)
        return .error(422, "failed_precondition", message, details: [["field": .string(issue.path), "message": .string(issue.message)]])
    }

    // MARK: Faults and log

    func setFaults(_ faults: [Fault]) { self.faults = faults }
    func addFaults(_ faults: [Fault]) { self.faults += faults }

    /// The faults for one request: total added latency and at most one other fault. Counts of
    /// the faults used go down by one; exhausted faults are removed.
    func takeFaults(method: String, path: String) -> (latency: Duration, fault: Fault?) {
        var latency = Duration.zero
        var chosen: Fault?
        for index in faults.indices where faults[index].remaining != 0 && faults[index].matches(method: method, path: path) {
            if case .latency(let delay) = faults[index].action {
                latency += delay
            } else if chosen == nil {
                chosen = faults[index]
            } else {
                continue
            }
            if let remaining = faults[index].remaining { faults[index].remaining = remaining - 1 }
        }
        faults.removeAll { $0.remaining == 0 }
        return (latency, chosen)
    }

    func record(_ request: RecordedRequest) { log.append(request) }
    func clearLog() { log.removeAll() }
}
