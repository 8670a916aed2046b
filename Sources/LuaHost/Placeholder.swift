public enum LuaHostPlaceholder {}
