import Foundation
import ServiceLifecycle
import TokenFactorySimulator

/// A started simulator as a swift-service-lifecycle `Service`: it serves until graceful shutdown.
///
/// Hummingbird itself runs on ServiceLifecycle, so `tfscript simulator` uses the same mechanism
/// for SIGINT/SIGTERM (a `ServiceGroup` with `gracefulShutdownSignals`) rather than signal
/// sources of its own. The simulator is started before the group runs, so a port that cannot be
/// bound is reported with its own message and exit status, not as a service failure.
struct SimulatorService: Service {
    let simulator: TokenFactorySimulator

    func run() async throws {
        // Returns on graceful shutdown; throws CancellationError if the group is cancelled instead.
        // Either way the simulator stops before the service returns.
        var cancellation: (any Error)?
        do { try await gracefulShutdown() } catch { cancellation = error }
        FileHandle.standardError.write(Data("stopping simulator\n".utf8))
        await simulator.shutdown()
        if let cancellation { throw cancellation }
    }
}
