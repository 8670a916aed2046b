package import TFScriptJSON

/// How one endpoint operation goes on the wire: its method, where it is sent, whether sending
/// it twice is safe, and what its answer holds.
///
/// Declared by each operation (TFScriptRuntime's `EndpointOperation`), sent by
/// ``TokenFactoryClient/perform(_:target:body:)``: the client knows how to send any of them
/// (retries, deadlines, redaction, the id's validation) and nothing of what one means.
package struct EndpointRequest: Sendable, Hashable {
    /// What a successful answer's body holds.
    package enum Answer: Sendable, Hashable {
        /// One endpoint object (possibly wrapped as `{"endpoint": {…}}`), which is checked.
        case endpoint
        /// Nothing the caller needs (a delete): the body is ignored.
        case nothing
        /// Whatever JSON the server sent, unchecked (an action's acknowledgement).
        case any
    }

    package var method: String
    /// The request goes to the endpoint collection (`POST /v0/dedicated_endpoints`) instead of
    /// one endpoint.
    package var onCollection: Bool
    /// The path segment after `/v0/dedicated_endpoints/{id}` (`restart`), nil for the endpoint itself.
    package var action: String?
    /// Whether sending it twice does what sending it once does: only then is it retried after
    /// it may have reached the server (see ``TokenFactoryClient/send(_:_:idempotent:query:body:form:)``).
    package var idempotent: Bool
    /// A 404 on a *retried* attempt means an earlier attempt, whose answer was lost, already did
    /// it (a delete): the call succeeds with ``Performed/goneOnRetry`` set.
    package var notFoundOnRetryIsDone: Bool
    package var answer: Answer

    package init(
        method: String, onCollection: Bool = false, action: String? = nil, idempotent: Bool,
        notFoundOnRetryIsDone: Bool = false, answer: Answer
    ) {
        self.method = method
        self.onCollection = onCollection
        self.action = action
        self.idempotent = idempotent
        self.notFoundOnRetryIsDone = notFoundOnRetryIsDone
        self.answer = answer
    }

    /// What one sent request came back with.
    package struct Performed: Sendable {
        /// The answer's JSON (``Answer/endpoint``: the endpoint object, unwrapped); nil for
        /// ``Answer/nothing`` or an empty body.
        package var value: JSONValue?
        package var attempts: Int
        /// Done by an earlier attempt whose answer was lost (``notFoundOnRetryIsDone``).
        package var goneOnRetry: Bool
    }
}

extension TokenFactoryClient {
    /// Sends one endpoint operation as `request` declares it, to the collection or to endpoint
    /// `target` (validated as an id first: nothing is sent for a malformed one).
    package func perform(_ request: EndpointRequest, target: String?, body: JSONValue?) async throws(TokenFactoryError) -> EndpointRequest.Performed {
        var path = Self.endpointsPath
        if !request.onCollection {
            path = try endpointPath(target ?? "", method: request.method)
            if let action = request.action { path += "/" + action }
        }
        let reply: Reply
        do {
            reply = try await send(request.method, path, idempotent: request.idempotent, body: body)
        } catch where request.notFoundOnRetryIsDone && error.status == 404 && error.attempts > 1 {
            return EndpointRequest.Performed(value: nil, attempts: error.attempts, goneOnRetry: true)
        }
        let value: JSONValue? = switch request.answer {
        case .endpoint: try decodeEndpoint(reply.body, method: request.method, path: path).raw
        case .nothing: nil
        case .any: reply.body
        }
        return EndpointRequest.Performed(value: value, attempts: reply.attempts, goneOnRetry: false)
    }
}
