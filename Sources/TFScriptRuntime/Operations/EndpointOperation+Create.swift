import TFScriptJSON
import TokenFactory

extension EndpointOperation {
    /// `tf.endpoints.create(spec)`: `POST /v0/dedicated_endpoints`.
    public static let create = EndpointOperation(
        name: "create", effect: .create, done: "created", request: .create,
        bodyArgument: "spec",
        validate: { body throws(TokenFactoryError) in try EndpointSpec(validating: body).body },
        checkedAgainstCatalogue: true,
        outcome: { _, body in
            // What the script sees of an endpoint that does not exist yet: the spec, with the
            // fields only the API can give marked as such (the recorder adds the placeholder id).
            var result = body?.objectValue ?? [:]
            result["routing_key"] = .string("(known after apply)")
            result["status"] = .string("planned")
            return .object(result)
        })
}
