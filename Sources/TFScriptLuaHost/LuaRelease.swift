internal import TFScriptLuaShims

/// The Lua release LuaHost was compiled against, as Lua names it ("Lua 5.4.4").
///
/// Taken from the headers (`LUA_RELEASE`) because the library has no run-time call for the
/// patch level (`lua_version` says only 504). The headers and the library come from the same
/// Debian package (liblua5.4-dev), static or shared, so this is also the Lua that runs.
public enum LuaRelease {
    /// "Lua 5.4.4".
    public static var text: String { String(cString: tfs_lua_release()) }
}
