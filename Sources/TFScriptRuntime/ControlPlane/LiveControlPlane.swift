public import TFScriptJSON
public import TokenFactory

/// Reads through to the API (no mutation), for dry runs and for apply's staleness checks.
public struct APIReader: EndpointReading {
    let client: TokenFactoryClient

    public init(client: TokenFactoryClient) { self.client = client }

    public func listEndpoints() async throws -> [JSONValue] { try await client.listEndpoints().map(\.raw) }
    public func endpointPages() async -> any EndpointPageSource { client.endpointPages() }
    public func endpoint(id: String) async throws -> JSONValue { try await client.getEndpoint(id: id).raw }
    public func listTemplates() async throws -> [JSONValue] { try await client.listTemplates().map(\.raw) }
}

/// The control plane of a real run: every call goes to the API, and each mutation is journaled
/// write-ahead (when a journal is configured): the intent before the request is sent, the
/// outcome when the call ends (see ``Journal``).
public struct LiveControlPlane: OperationPerformingPlane {
    let reader: APIReader
    let client: TokenFactoryClient
    let journal: Journal?

    /// The plan operation being applied, set by ``PlanApplier`` so intents name it and an
    /// interrupted apply can be resumed from the journal.
    @TaskLocal public static var planReference: Journal.PlanReference?

    public init(client: TokenFactoryClient, journal: Journal?) {
        self.reader = APIReader(client: client)
        self.client = client
        self.journal = journal
    }

    public func listEndpoints() async throws -> [JSONValue] { try await reader.listEndpoints() }
    public func endpointPages() async -> any EndpointPageSource { client.endpointPages() }
    public func endpoint(id: String) async throws -> JSONValue { try await reader.endpoint(id: id) }
    public func listTemplates() async throws -> [JSONValue] { try await reader.listTemplates() }

    /// The endpoint a change is about as the caller last read it (the `tf` module's sightings,
    /// a plan's `before`), when it knows: the journal's intent then names it and records the
    /// values the change replaces, and the run's summary lists it by name.
    @TaskLocal package static var subject: JSONValue?

    public func perform(_ operation: EndpointOperation, target: String?, body: JSONValue?) async throws -> JSONValue? {
        let before = Self.subject
        let name = before?["name"]?.stringValue ?? body?["name"]?.stringValue
        let result: JSONValue
        do {
            result = try await journaled(operation, target: target, body: body, name: name, before: before) {
                let performed = try await client.perform(operation.request, target: target, body: body)
                let note = performed.goneOnRetry
                    ? "\(operation.done): an earlier attempt's answer was lost and the retry found the endpoint gone (404)" : nil
                return (performed.value ?? .null, performed.attempts, note)
            }
        } catch {
            if Self.wasSent(error) {
                let outcome: CallStatistics.ChangeOutcome = if case .failed = Self.outcome(of: error).0 { .failed } else { .unknown }
                CallStatistics.current?.recordOutcome(outcome, endpoint: nil)
            }
            throw error
        }
        CallStatistics.current?.recordOutcome(
            .ok, endpoint: name ?? result["name"]?.stringValue ?? target ?? EndpointIdentity.id(of: result))
        // Not `isNull ? nil : result`: JSONValue is nil-literal expressible, so that is `.null`.
        if result.isNull { return nil }
        return result
    }

    /// Whether a failed change may have reached the server (refused input and calls that never
    /// made a connection did not).
    static func wasSent(_ error: any Error) -> Bool {
        guard let error = error as? TokenFactoryError else { return true }
        return !(error.kind == .validation || (error.attempts == 0 && !error.unanswered))
    }

    /// The values `body` replaces, from `before`: `{"enabled": true, "scaling": {"min_replicas": 1}}`.
    static func replaced(by body: JSONValue?, in before: JSONValue?) -> JSONValue? {
        guard let changes = body?.objectValue, let before = before?.objectValue else { return nil }
        var old: [String: JSONValue] = [:]
        for (key, value) in changes {
            if let nested = value.objectValue, let stored = before[key]?.objectValue {
                old[key] = .object(stored.filter { nested[$0.key] != nil })
            } else {
                old[key] = before[key] ?? .null
            }
        }
        return .object(old)
    }

    private func journaled(
        _ kind: PlanOperation.Kind, target: String?, body: JSONValue?, name: String?, before: JSONValue?,
        _ send: () async throws -> (JSONValue, Int, String?)
    ) async throws -> JSONValue {
        guard let journal else { return try await send().0 }
        let sequence = try journal.recordIntent(
            operation: kind, target: target, body: body, plan: Self.planReference,
            name: name, before: kind.effect == .modify ? Self.replaced(by: body, in: before) : nil)
        do {
            let (result, attempts, note) = try await send()
            try journal.recordOutcome(
                sequence: sequence, operation: kind, target: target,
                outcome: .ok(result: result.isNull ? nil : result, note: note), attempts: attempts)
            return result
        } catch {
            let (outcome, attempts) = Self.outcome(of: error)
            try journal.recordOutcome(sequence: sequence, operation: kind, target: target, outcome: outcome, attempts: attempts)
            throw error
        }
    }

    /// `failed` only when the server answered and no earlier attempt went unanswered; anything
    /// else (timeouts, lost connections, cancellation, errors we cannot classify) is `unknown`,
    /// because the change may have been applied.
    static func outcome(of error: any Error) -> (Journal.Outcome, attempts: Int) {
        guard let error = error as? TokenFactoryError else {
            return (.unknown(message: "no answer: \(error)"), 1)
        }
        if error.kind == .validation || (error.attempts == 0 && !error.unanswered) {
            return (.failed(status: error.status, message: "not sent: \(error.description)"), error.attempts)
        }
        if error.kind == .api, let status = error.status, !(200..<300).contains(status), !error.unanswered {
            return (.failed(status: status, message: error.description), error.attempts)
        }
        // No answer, or a success answer the client could not read: it may well be applied.
        return (.unknown(message: error.description), error.attempts)
    }
}
