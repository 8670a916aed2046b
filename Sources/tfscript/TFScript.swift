import ArgumentParser

@main
struct TFScript: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tfscript",
        abstract: "Automate Nebius Token Factory dedicated endpoints with sandboxed Lua 5.4 scripts.",
        version: "0.1.0",
        subcommands: [RunCommand.self, SimulatorCommand.self]
    )
}
