// What an embedder needs with one `import TFScript`: the JSON value type scripts exchange with
// host functions, plans and the control-plane protocols (for a custom control plane), and the
// client's models and errors those protocols use.
@_exported public import TFScriptJSON
@_exported public import TFScriptRuntime
@_exported public import TokenFactory
