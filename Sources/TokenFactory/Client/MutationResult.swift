/// The answer to a change, with how it was obtained, so a journal can record the attempt count.
public struct MutationResult<Value: Sendable>: Sendable {
    /// What the API returned.
    public var value: Value
    /// Attempts made, the successful one included (more than 1 when retried).
    public var attempts: Int

    public init(value: Value, attempts: Int) {
        self.value = value
        self.attempts = attempts
    }
}

/// How a delete ended.
public enum DeleteOutcome: String, Sendable {
    /// The API confirmed the delete.
    case deleted
    /// A retry found the endpoint gone (404): an earlier attempt, whose answer was lost, deleted it.
    case goneOnRetry = "gone_on_retry"
}
