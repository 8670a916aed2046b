public import TFScriptRuntime

extension ScriptEngine {
    /// Applies saved plans (`tfscript apply`) through the engine's connection: staleness
    /// checks, resuming from a journal, then the operations in order.
    ///
    /// Each mutation is journaled write-ahead when `journal` is given (docs/journal.md). The
    /// applier never asks for confirmation and prints nothing: that is the caller's policy.
    public func planApplier(journal: Journal? = nil) -> PlanApplier {
        PlanApplier(controlPlane: connection.controlPlane(journal: journal))
    }
}
