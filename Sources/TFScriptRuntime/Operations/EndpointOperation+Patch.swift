import TFScriptJSON
import TokenFactory

extension EndpointOperation {
    /// `tf.endpoints.patch(id, fields)`: `PATCH /v0/dedicated_endpoints/{id}`, only the given
    /// fields; refused, as the API refuses it, when the merged scaling is inverted or the merged
    /// template is not in the catalogue.
    public static let patch = EndpointOperation(
        name: "patch", effect: .modify, done: "patched", request: .patch,
        bodyArgument: "fields",
        validate: { body throws(TokenFactoryError) in try EndpointPatch(validating: body).body },
        refusal: { body, current, offers in
            (try? EndpointPatch(validating: body))?.refusal(against: current, offers: offers)
        },
        needsCatalogue: { body in EndpointPatch.templateFields.contains { body[$0] != nil } },
        outcome: { before, body in RecordingControlPlane.merge(body ?? .object([:]), into: before ?? .object([:])) },
        forbiddenWhenProtected: { body in Guardrails.forbiddenEffect(ofPatch: body) })
}
