import TFScriptJSON
import TokenFactory

/// A run's template catalogue, read once (at the first `tf.templates.list` or create) and kept
/// for the rest of the run, or of a REPL session: one `GET …/templates` instead of one per
/// create. Concurrent first reads (creates in `tf.parallel` workers) share one request.
actor TemplateCache {
    /// The catalogue as the API sent it, and as rules for creates.
    struct Catalogue: Sendable {
        var templates: [JSONValue]
        var offers: TemplateOffers
    }

    private var loaded: Catalogue?
    private var loading: Task<Catalogue, any Error>?

    /// The catalogue, read through `reader` the first time. A failed read is not kept: the
    /// next call tries again.
    func catalogue(from reader: any EndpointReading) async throws -> Catalogue {
        if let loaded { return loaded }
        let task: Task<Catalogue, any Error>
        if let loading {
            task = loading
        } else {
            // Task-local values (the response budget) are inherited by the unstructured task.
            task = Task {
                let templates = try await reader.listTemplates()
                return Catalogue(templates: templates, offers: TemplateOffers(templates: templates))
            }
            loading = task
        }
        do {
            let catalogue = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            loaded = catalogue
            loading = nil
            return catalogue
        } catch {
            loading = nil
            throw error
        }
    }
}
