public enum ScriptRuntimePlaceholder {}
