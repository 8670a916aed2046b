import ArgumentParser

/// `tfscript run SCRIPT.lua [ARGS...]`. (Stub: replaced by the Lua host work, issue 2.)
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script in the sandbox."
    )

    @Argument(help: "The Lua script to run.")
    var script: String

    func run() async throws {
        throw ExitCode(2)
    }
}
