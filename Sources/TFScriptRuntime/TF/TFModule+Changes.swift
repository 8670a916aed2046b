import TFScriptJSON
import TFScriptLuaHost
import TokenFactory

/// Change reports of a live run: each create, patch or delete the server accepted, told to
/// ``TFModule/Context/changes`` as a ``PlanOperation`` (the shape a plan's operations have,
/// so one renderer draws both: `~ patched "web" (ep-1): scaling.min_replicas 1 → 0`).
///
/// `before` is what this run last read of the endpoint (``EndpointSightings``), nil when it
/// never read it; `body` is what was sent; `after` is the server's answer.
extension TFModule {
    /// The sightings to keep now: only for a live plane someone listens to (a dry run's
    /// plan has its own `before` snapshots).
    var liveSightings: EndpointSightings? {
        context.controlPlanes.isDryRun ? nil : sightings
    }

    /// Remembers an endpoint object the server sent (a get, a change's answer).
    func sawEndpoint(_ raw: JSONValue) {
        liveSightings?.record(raw)
    }

    /// Tells the listener of a change the server accepted, and updates the sightings.
    func changeMade(_ kind: PlanOperation.Kind, target: String?, body: JSONValue?, before: JSONValue?, after: JSONValue?) {
        guard let sightings = liveSightings, let report = context.changes else { return }
        let id = target ?? after.flatMap { ($0["endpoint_id"] ?? $0["id"])?.stringValue } ?? "(no id in the answer)"
        report(PlanOperation(kind: kind, target: id, body: body, before: before, after: after))
        if kind.effect == .delete {
            sightings.forget(id)
        } else if let after {
            sightings.record(after)
        }
    }
}
