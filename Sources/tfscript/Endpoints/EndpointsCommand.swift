import ArgumentParser
import TFScriptJSON

/// `tfscript endpoints list|get|create|patch|scale|enable|disable|delete|wait`: everyday work
/// without writing Lua, like `kubectl get/patch/scale/wait`. Each is a built-in script run as
/// `tfscript run` runs scripts (``BuiltInRun``).
struct EndpointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints",
        abstract: "List, inspect and change dedicated endpoints without writing Lua.",
        discussion: """
            An endpoint is named by its id or by its name (a name several endpoints share is an \
            error listing their ids). Changes go through the same engine as scripts: the same \
            validation, --dry-run with its plan (--plan-out saves it for tfscript apply), \
            --journal, the guardrails (--max-changes, --protect) and the change report on stderr.

            EXAMPLES:
              tfscript endpoints list --simulator
              tfscript endpoints list --name 'test-*' --state running -o json
              tfscript endpoints get prod-chat -o json
              tfscript endpoints scale test-qwen-ci --min 0 --dry-run
              tfscript endpoints patch test-qwen-ci --set scaling.min_replicas=0 --set enabled=false
              tfscript endpoints disable test-qwen-ci
              tfscript endpoints create -f spec.json
              tfscript endpoints wait test-qwen-ci --for running --timeout 10m
              tfscript endpoints delete test-scratch --yes
            """,
        subcommands: [
            EndpointsList.self, EndpointsGet.self, EndpointsCreate.self, EndpointsPatch.self, EndpointsScale.self,
            EndpointsEnable.self, EndpointsDisable.self, EndpointsDelete.self, EndpointsWait.self,
        ]
    )

    /// The columns of an endpoint table without `--columns`, with short headings.
    static let columns: [(heading: String, path: String)] = [
        ("name", "name"), ("endpoint_id", "endpoint_id"), ("state", "state"), ("region", "region"), ("model", "model_name"),
        ("ready", "ready_replicas"), ("min", "scaling.min_replicas"), ("max", "scaling.max_replicas"),
    ]
}

struct EndpointsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List endpoints (a table; -o json for tools).")

    @Option(help: ArgumentHelp("Only endpoints whose name matches this glob (test-*).", valueName: "glob"))
    var name: String?
    @Option(help: ArgumentHelp("Only endpoints in this region.", valueName: "region"))
    var region: String?
    @Option(help: ArgumentHelp("Only endpoints in this state (running, stopped, …).", valueName: "state"))
    var state: String?
    @Option(help: ArgumentHelp("Only enabled (true) or disabled (false) endpoints.", valueName: "bool"))
    var enabled: Bool?

    @OptionGroup(title: "Control plane") var connection: ConnectionOptions
    @OptionGroup(title: "Result") var result: ResultOptions
    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func run() async throws {
        var filter: [String: JSONValue] = [:]
        filter["name"] = name.map(JSONValue.string)
        filter["region"] = region.map(JSONValue.string)
        filter["state"] = state.map(JSONValue.string)
        filter["enabled"] = enabled.map(JSONValue.bool)
        try await BuiltInRun(connection: connection, logging: logging, result: result).execute(
            "endpoints list", script: BuiltInScripts.list, vars: ["filter": BuiltInRun.json(.object(filter))],
            format: .table, columns: EndpointsCommand.columns)
    }
}

struct EndpointsGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show one endpoint, by id or name (-o json: every field).")

    @Argument(help: ArgumentHelp("The endpoint's id or name.", valueName: "endpoint"), completion: Completions.endpoints)
    var endpoint: String

    @OptionGroup(title: "Control plane") var connection: ConnectionOptions
    @OptionGroup(title: "Result") var result: ResultOptions
    @OptionGroup(title: "Logging") var logging: LoggingOptions

    func run() async throws {
        try await BuiltInRun(connection: connection, logging: logging, result: result).execute(
            "endpoints get", script: BuiltInScripts.get, vars: ["endpoint": endpoint], format: .table, columns: EndpointsCommand.columns)
    }
}
