import ArgumentParser
import Foundation
import Logging
import TFScriptJSON
import TokenFactory
import TFScriptLuaHost

/// What every command that changes one endpoint takes: the endpoint, the connection, the
/// change flags (dry run, plan, journal, guardrails), the result format and logging.
struct EndpointChangeArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The endpoint's id or name.", valueName: "endpoint"), completion: Completions.endpoints)
    var endpoint: String
    @OptionGroup(title: "Control plane") var connection: ConnectionOptions
    @OptionGroup var changes: ChangeOptions
    @OptionGroup(title: "Result") var result: ResultOptions
    @OptionGroup(title: "Logging") var logging: LoggingOptions

    /// Runs `script` with `vars` (and the endpoint) as the command `command`.
    func execute(_ command: String, script: String, vars: [String: String] = [:]) async throws {
        try await BuiltInRun(connection: connection, logging: logging, result: result, changes: changes).execute(
            command, script: script, vars: vars.merging(["endpoint": endpoint]) { _, new in new })
    }
}

/// A command that patches one endpoint: the fields it sends, validated before anything runs.
protocol EndpointPatchCommand: AsyncParsableCommand {
    var target: EndpointChangeArguments { get }
    /// The fields to send; throws a usage error naming the flag at fault.
    func fields() throws -> [String: JSONValue]
    static var flag: String { get }
}

extension EndpointPatchCommand {
    /// The fields, checked as `tf.endpoints.patch` checks them: a usage error (exit 2) before
    /// any request.
    func validatedFields() throws -> JSONValue {
        let fields = try fields()
        do {
            return try EndpointPatch(validating: .object(fields)).body
        } catch {
            throw ValidationError(FieldAssignments.message(error, flag: Self.flag))
        }
    }

    func validate() throws { _ = try validatedFields() }

    func run() async throws {
        try await target.execute("endpoints \(Self._commandName)", script: BuiltInScripts.patch, vars: ["fields": BuiltInRun.json(try validatedFields())])
    }
}

struct EndpointsPatch: EndpointPatchCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch", abstract: "Change fields of an endpoint: --set FIELD=VALUE, repeatable.",
        discussion: """
            Fields: \(FieldAssignments.fields.map(\.path).joined(separator: ", ")). Values are typed by the \
            field (gpu_count=2 is a number, enabled=false a boolean, description=123 a string).

            EXAMPLE:
              tfscript endpoints patch test-qwen-ci --set scaling.min_replicas=0 --set enabled=false --dry-run
            """)
    static let flag = "--set"

    @OptionGroup var target: EndpointChangeArguments
    @Option(name: .customLong("set"), help: ArgumentHelp("FIELD=VALUE to change (scaling.min_replicas=0).", valueName: "field=value"))
    var assignments: [String] = []


    func fields() throws -> [String: JSONValue] {
        guard !assignments.isEmpty else { throw ValidationError("nothing to change: give --set FIELD=VALUE (scaling.min_replicas=0)") }
        return try FieldAssignments.object(assignments)
    }
}

struct EndpointsScale: EndpointPatchCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Set an endpoint's minimum and/or maximum replicas.",
        discussion: """
            EXAMPLE:
              tfscript endpoints scale test-qwen-ci --min 0 --max 2
            """)
    static let flag = "scale"

    @OptionGroup var target: EndpointChangeArguments
    @Option(help: ArgumentHelp("Minimum replicas (0 scales to zero).", valueName: "n"))
    var min: Int64?
    @Option(help: ArgumentHelp("Maximum replicas.", valueName: "n"))
    var max: Int64?


    func fields() throws -> [String: JSONValue] {
        var scaling: [String: JSONValue] = [:]
        scaling["min_replicas"] = min.map(JSONValue.integer)
        scaling["max_replicas"] = max.map(JSONValue.integer)
        guard !scaling.isEmpty else { throw ValidationError("nothing to change: give --min N and/or --max N") }
        return ["scaling": .object(scaling)]
    }
}

struct EndpointsEnable: EndpointPatchCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable an endpoint (enabled = true).")
    static let flag = "enable"

    @OptionGroup var target: EndpointChangeArguments

    func fields() throws -> [String: JSONValue] { ["enabled": true] }
}

struct EndpointsDisable: EndpointPatchCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an endpoint (enabled = false).")
    static let flag = "disable"

    @OptionGroup var target: EndpointChangeArguments

    func fields() throws -> [String: JSONValue] { ["enabled": false] }
}

struct EndpointsDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an endpoint (asks on a terminal; --yes otherwise).")

    @OptionGroup var target: EndpointChangeArguments
    @Flag(name: [.customShort("y"), .customLong("yes")], help: "Delete without asking (required when stdin is not a terminal).")
    var yes = false


    func run() async throws {
        if !yes, !target.changes.dryRun.enabled { try confirm() }
        try await target.execute("endpoints delete", script: BuiltInScripts.delete)
    }

    /// Deleting is permanent: a person types `yes`; a script passes `--yes` (or `--dry-run`).
    private func confirm() throws {
        let shown = DisplayText.quoted(target.endpoint)
        guard isatty(0) == 1 else {
            Diagnostics.failure(CommandFailure(exitCode: 1, message: "refusing to delete \(shown) without confirmation: stdin is not a terminal (pass --yes, or --dry-run to see the plan)"))
            throw ExitCode(1)
        }
        Diagnostics.write("Delete endpoint \(shown)? This cannot be undone. Only 'yes' is accepted: ", event: "delete.confirm", level: .info)
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            Diagnostics.failure(CommandFailure(exitCode: 1, message: "delete cancelled; nothing was changed"))
            throw ExitCode(1)
        }
    }
}

struct EndpointsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an endpoint from flags or a JSON spec (-f spec.json).",
        discussion: """
            EXAMPLES:
              tfscript endpoints create --name web --model openai/gpt-oss-20b --flavor base --gpu-type gpu-h100-sxm --region eu-west1
              tfscript endpoints create -f spec.json --set scaling.max_replicas=4
            """)

    @Option(name: .customShort("f"), help: ArgumentHelp("A JSON file holding the spec (its fields as in tf.endpoints.create).", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var file: String?
    @Option(help: ArgumentHelp("The endpoint's name.", valueName: "name")) var name: String?
    @Option(help: ArgumentHelp("model_name.", valueName: "model")) var model: String?
    @Option(help: ArgumentHelp("flavor_name (base, fast).", valueName: "flavor")) var flavor: String?
    @Option(name: .customLong("gpu-type"), help: ArgumentHelp("gpu_type.", valueName: "type")) var gpuType: String?
    @Option(name: .customLong("gpu-count"), help: ArgumentHelp("gpu_count.", valueName: "n")) var gpuCount: Int64?
    @Option(help: ArgumentHelp("region.", valueName: "region")) var region: String?
    @Option(help: ArgumentHelp("scaling.min_replicas.", valueName: "n")) var min: Int64?
    @Option(help: ArgumentHelp("scaling.max_replicas.", valueName: "n")) var max: Int64?
    @Option(name: .customLong("set"), help: ArgumentHelp("FIELD=VALUE on top of the rest (description=…).", valueName: "field=value"))
    var assignments: [String] = []

    @OptionGroup(title: "Control plane") var connection: ConnectionOptions
    @OptionGroup var changes: ChangeOptions
    @OptionGroup(title: "Result") var result: ResultOptions
    @OptionGroup(title: "Logging") var logging: LoggingOptions

    /// The spec: the file's fields, then the flags, then `--set` (later ones win), checked as
    /// `tf.endpoints.create` checks it.
    func spec() throws -> JSONValue {
        var fields: [String: JSONValue] = [:]
        if let file {
            let bytes: [UInt8]
            do { bytes = try BoundedFile.read(file, limit: 1 << 20, regularOnly: true) } catch {
                throw ValidationError("-f \(file): cannot read it: \(error)")
            }
            guard let object = (try? JSONValue(parsing: bytes))?.objectValue else {
                throw ValidationError("-f \(file): expected a JSON object of endpoint fields")
            }
            fields = object
        }
        fields["name"] = name.map(JSONValue.string) ?? fields["name"]
        fields["model_name"] = model.map(JSONValue.string) ?? fields["model_name"]
        fields["flavor_name"] = flavor.map(JSONValue.string) ?? fields["flavor_name"]
        fields["gpu_type"] = gpuType.map(JSONValue.string) ?? fields["gpu_type"]
        fields["gpu_count"] = gpuCount.map(JSONValue.integer) ?? fields["gpu_count"]
        fields["region"] = region.map(JSONValue.string) ?? fields["region"]
        if min != nil || max != nil {
            var scaling = fields["scaling"]?.objectValue ?? [:]
            scaling["min_replicas"] = min.map(JSONValue.integer) ?? scaling["min_replicas"]
            scaling["max_replicas"] = max.map(JSONValue.integer) ?? scaling["max_replicas"]
            fields["scaling"] = .object(scaling)
        }
        for (key, value) in try FieldAssignments.object(assignments) {
            if key == "scaling", let scaling = value.objectValue {
                fields["scaling"] = .object((fields["scaling"]?.objectValue ?? [:]).merging(scaling) { _, new in new })
            } else {
                fields[key] = value
            }
        }
        do {
            return try EndpointSpec(validating: .object(fields)).body
        } catch {
            throw ValidationError(FieldAssignments.message(error, flag: "spec"))
        }
    }

    func validate() throws { _ = try spec() }

    func run() async throws {
        try await BuiltInRun(connection: connection, logging: logging, result: result, changes: changes).execute(
            "endpoints create", script: BuiltInScripts.create, vars: ["spec": BuiltInRun.json(try spec())])
    }
}

struct EndpointsWait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait until an endpoint reaches a state (running, stopped, deleted, …).",
        discussion: """
            Shows the progress line on a terminal (-v: one log line per change). Exit 4 when the \
            endpoint enters state error or the time runs out.

            EXAMPLE:
              tfscript endpoints wait test-qwen-ci --for running --timeout 10m
            """)

    @Argument(help: ArgumentHelp("The endpoint's id or name.", valueName: "endpoint"), completion: Completions.endpoints)
    var endpoint: String
    @Option(name: .customLong("for"), help: ArgumentHelp("The state to wait for.", valueName: "state"))
    var state: String
    @Option(help: ArgumentHelp("How long to wait at most (default 10m).", valueName: "duration"))
    var timeout: String = "10m"

    @OptionGroup(title: "Control plane") var connection: ConnectionOptions
    @OptionGroup(title: "Result") var result: ResultOptions
    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func validate() throws {
        guard let duration = LimitSyntax.parseDuration(timeout), duration > .zero else {
            throw ValidationError("--timeout expects a duration such as 90s, 10m or 1h, got '\(timeout)'")
        }
    }

    func run() async throws {
        let seconds = LimitSyntax.parseDuration(timeout).map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 600
        try await BuiltInRun(connection: connection, logging: logging, result: result).execute(
            "endpoints wait", script: BuiltInScripts.wait,
            vars: ["endpoint": endpoint, "state": state, "timeout": String(seconds)])
    }
}

struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "The template catalogue: what can be deployed where.",
        subcommands: [TemplatesList.self])
}

struct TemplatesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List templates (model × flavor × GPU), optionally filtered.")

    @Option(help: ArgumentHelp("Only templates of this model_name.", valueName: "model")) var model: String?
    @Option(help: ArgumentHelp("Only this flavor_name.", valueName: "flavor")) var flavor: String?
    @Option(name: .customLong("gpu-type"), help: ArgumentHelp("Only this gpu_type.", valueName: "type")) var gpuType: String?
    @Option(help: ArgumentHelp("Only templates offered in this region.", valueName: "region")) var region: String?

    @OptionGroup(title: "Control plane") var connection: ConnectionOptions
    @OptionGroup(title: "Result") var result: ResultOptions
    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func run() async throws {
        var filter: [String: JSONValue] = [:]
        filter["model_name"] = model.map(JSONValue.string)
        filter["flavor_name"] = flavor.map(JSONValue.string)
        filter["gpu_type"] = gpuType.map(JSONValue.string)
        filter["region"] = region.map(JSONValue.string)
        try await BuiltInRun(connection: connection, logging: logging, result: result).execute(
            "templates list", script: BuiltInScripts.templates, vars: ["filter": BuiltInRun.json(.object(filter))],
            format: .table,
            columns: [("template_id", "template_id"), ("model", "model_name"), ("flavor", "flavor_name"), ("gpu_type", "gpu_type"),
                      ("gpus", "gpu_count"), ("regions", "regions")])
    }
}
