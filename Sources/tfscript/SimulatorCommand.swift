import ArgumentParser

/// `tfscript simulator`. (Stub: replaced by the simulator work, issue 3.)
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Serve a simulated Token Factory control plane on loopback."
    )

    func run() async throws {
        throw ExitCode(2)
    }
}
