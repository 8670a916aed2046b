import TokenFactory

extension EndpointOperation {
    /// `tf.endpoints.delete(id)`: `DELETE /v0/dedicated_endpoints/{id}`, permanent.
    public static let delete = EndpointOperation(
        name: "delete", effect: .delete, done: "deleted", request: .delete,
        forbiddenWhenProtected: { _ in "delete it" })
}
