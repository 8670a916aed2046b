internal import TFScriptLuaShims

extension LuaState {
    /// For host functions that block (waiting for HTTP, sleeping): whether the script's
    /// timeout has passed or an interrupt was requested. When one has, the limit is tripped
    /// (sticky, so `pcall` cannot swallow it) and the error to throw is returned.
    public func limitReachedDuringHostCall() -> LuaError? {
        guard let limit = Self.limit(fromCode: tfs_check_limits(L)) else { return nil }
        return LuaError(kind: .limit(limit), message: configuration.message(for: limit))
    }
}
