// Runs an operator's Lua automation from a string, in dry-run, against an in-process
// simulated control plane, with a `chat` host module, and prints what the script said and
// the plan it would apply.
//
//   swift run --package-path examples/embedding
import Foundation
import Synchronization
import TFScript
import TFScriptSimulation

/// What the script posted to "chat" (a real bot would send it to its chat service).
let posted = Mutex<[String]>([])

let source = """
    -- Stop every enabled endpoint matching the pattern, and tell the team.
    local pattern = ... or "test-*"
    local targets = tf.endpoints.list{name = pattern, enabled = true}
    for _, ep in ipairs(targets) do
      tf.endpoints.patch(ep.endpoint_id, {enabled = false})
    end
    chat.say(string.format("%d endpoint(s) matching %s %s", #targets, pattern,
      tf.dry_run and "would be stopped" or "are stopping"))
    print("checked " .. #tf.endpoints.list() .. " endpoints")
    return #targets
    """

let engine = try await ScriptEngine(controlPlane: .simulator())
var options = ScriptOptions()
options.dryRun = true
options.timeout = .seconds(5)
options.memoryLimit = 64 << 20
options.arguments = ["test-*"]
options.modules = [
    HostModule("chat", functions: [
        "say": { args in
            posted.withLock { $0.append(args.first?.stringValue ?? "") }
            return []
        },
    ]),
]
let result = await engine.run(.text(source, name: "nightly.lua"), options: options)
try await engine.shutdown()

print("exit code: \(result.exitCode)")
print("script output: \(result.output)", terminator: "")
print("returned: \(result.values)")
print("chat: \(posted.withLock { $0 })")
if let error = result.error { print("error: \(error)") }
if let plan = result.plan {
    print("plan (\(plan.operations.count) operations):")
    print(PlanRenderer().render(plan), terminator: "")
}
exit(result.exitCode)
