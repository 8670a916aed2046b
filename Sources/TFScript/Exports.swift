// What an embedder gets with one `import TFScript`, besides this module's own types: the JSON
// value scripts exchange with host functions, plans and their renderer, the control-plane
// protocols (for a custom plane) with the client's models and errors they use, the journal,
// guardrails, wait progress and the clock. Each type is re-exported by name, not its whole
// module, so the runtime's internals (the Lua bridge, the runner, the `tf` module) are not API;
// api/TFScript.txt lists the result and CI checks it (scripts/api-listing).
@_exported public import enum TFScriptJSON.JSONValue
@_exported public import struct TFScriptJSON.JSONError
@_exported public import typealias TFScriptRuntime.ControlPlane
@_exported public import protocol TFScriptRuntime.EndpointReading
@_exported public import protocol TFScriptRuntime.EndpointWriting
@_exported public import protocol TFScriptRuntime.EndpointPageSource
@_exported public import struct TFScriptRuntime.Plan
@_exported public import struct TFScriptRuntime.PlanOperation
@_exported public import struct TFScriptRuntime.EndpointOperation
@_exported public import struct TFScriptRuntime.PlanRenderer
@_exported public import struct TFScriptRuntime.GPUCapacity
@_exported public import struct TFScriptRuntime.PlanApplier
@_exported public import struct TFScriptRuntime.PlanFormatError
@_exported public import class TFScriptRuntime.Journal
@_exported public import struct TFScriptRuntime.JournalError
@_exported public import struct TFScriptRuntime.JournalReplay
@_exported public import struct TFScriptRuntime.Guardrails
@_exported public import struct TFScriptRuntime.WaitProgress
@_exported public import struct TFScriptRuntime.ScriptClock
@_exported public import class TokenFactory.TokenFactoryClient
@_exported public import struct TokenFactory.TokenFactoryError
@_exported public import struct TokenFactory.CACertificates
@_exported public import struct TokenFactory.EndpointSpec
@_exported public import struct TokenFactory.EndpointPatch
@_exported public import struct TokenFactory.Endpoint
@_exported public import struct TokenFactory.ListPageBytes
@_exported public import class TokenFactory.CallStatistics
