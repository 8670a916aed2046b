extension EndpointRequest {
    /// `POST /v0/dedicated_endpoints`: never retried once it may have reached the server (a
    /// second create would make a second endpoint, or fail on the name the first one took).
    package static let create = EndpointRequest(method: "POST", onCollection: true, idempotent: false, answer: .endpoint)
    /// `PATCH /v0/dedicated_endpoints/{id}`: sets given values, so sending it twice is safe.
    package static let patch = EndpointRequest(method: "PATCH", idempotent: true, answer: .endpoint)
    /// `DELETE /v0/dedicated_endpoints/{id}`: retried; a 404 on a retry means an earlier
    /// attempt, whose answer was lost, deleted it.
    package static let delete = EndpointRequest(method: "DELETE", idempotent: true, notFoundOnRetryIsDone: true, answer: .nothing)
}
