internal import TFScriptLuaShims

extension LuaHostCall {
    /// `chunk:line` of the Lua code `level` calls up from this host function (1 is its direct
    /// caller, like ``callerPosition``), or "" when that is not Lua code. For host functions
    /// wrapped by a Lua function, whose errors should name the wrapper's caller.
    public func callerPosition(level: Int) -> String {
        tfs_push_where(stack.L, Int32(clamping: level))
        return stack.popString()
    }
}
