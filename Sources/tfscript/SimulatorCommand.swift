import ArgumentParser
import Foundation
import NIOCore
import Logging
import ServiceLifecycle
import TFScriptJSON
import TokenFactorySimulator
import UnixSignals

/// `tfscript simulator`: a simulated Token Factory control plane on loopback, until interrupted.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Serve a simulated Token Factory control plane on loopback.",
        discussion: """
        Serves the dedicated-endpoint API (GET/POST /v0/dedicated_endpoints, GET/PATCH/DELETE \
        /v0/dedicated_endpoints/{id}, GET /v0/dedicated_endpoints/templates) with state in \
        memory, bearer-token auth, validation, state transitions over time and fault injection. \
        Stops on Ctrl-C (SIGINT) or SIGTERM.

        HTTPS: --tls-cert and --tls-key (PEM) serve TLS, offering HTTP/2 by ALPN (h2, falling \
        back to http/1.1; --http1-only offers http/1.1 alone). The certificate must name \
        127.0.0.1 (IP subject alternative name); clients trust it with --ca-file.

        Faults (--fault, repeatable): METHOD PATH ACTION [times=N] [retry-after=S]
          METHOD  GET, POST, PATCH, DELETE or *      PATH  /v0/dedicated_endpoints/* (* = one segment, ** = rest)
          ACTION  latency=250ms | 429 | 500 | 502 | 503 | 504 | status=N | drop | malformed | truncated | large=8MB
          e.g.   --fault "GET /v0/dedicated_endpoints 503 times=2" --fault "* /** latency=50ms"

        Control routes (no token needed; loopback only):
          GET    /_simulator/requests   request log            DELETE /_simulator/requests  clear it
          GET    /_simulator/faults     active faults          DELETE /_simulator/faults    clear them
          POST   /_simulator/faults     {"fault": "GET /v0/dedicated_endpoints 429 times=1"}
          POST   /_simulator/clock      {"advance_seconds": 30}  (finish transitions now)
          GET    /_simulator/endpoints  current state
        """
    )

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8080

    @Option(help: ArgumentHelp("Fleet JSON file: an array of endpoint objects (default: a built-in demo fleet of 12).", valueName: "file"))
    var fleet: String?

    @Option(help: "Bearer token to accept (default: a random one, printed at start).")
    var token: String?

    @Option(help: "Transition speed: 1 = realistic (start 30s, stop 10s, update 20s), 10 = ten times faster, 0 = instant.")
    var speed: Double = 1

    @Option(help: ArgumentHelp("Latency added to every API request, e.g. 20ms or 1s.", valueName: "duration"))
    var latency: String?

    @Option(help: ArgumentHelp("Items per page of the endpoint list.", valueName: "n"))
    var pageSize: Int = 50

    @Option(name: .customLong("fault"), help: ArgumentHelp("A fault to inject (repeatable); see the syntax above.", valueName: "spec"))
    var faults: [String] = []

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.", valueName: "pem"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "pem"))
    var tlsKey: String?

    @Flag(name: .customLong("http1-only"), help: "With --tls-cert: offer HTTP/1.1 only by ALPN, not HTTP/2 (to compare the two).")
    var http1Only = false

    func validate() throws {
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both PEM files, or neither for plain HTTP")
        }
        if http1Only, tlsCertificate == nil {
            throw ValidationError("--http1-only applies to HTTPS; add --tls-cert and --tls-key (plain HTTP is always HTTP/1.1)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard speed >= 0, !speed.isNaN else { throw ValidationError("--speed must be ≥ 0 (0 = instant), got \(speed)") }
        guard pageSize > 0 else { throw ValidationError("--page-size must be ≥ 1, got \(pageSize)") }
        if let latency, Fault.duration(latency) == nil { throw ValidationError("--latency must be a duration like 20ms or 1s, got \(latency)") }
        if let token, token.isEmpty || token.contains(where: \.isWhitespace) { throw ValidationError("--token must be non-empty and without spaces") }
        for fault in faults {
            do { _ = try Fault(parsing: fault) } catch { throw ValidationError("--fault: \(error)") }
        }
    }

    func run() async throws {
        var configuration = TokenFactorySimulator.Configuration(port: port, token: token, speed: speed == 0 ? .infinity : speed, pageSize: pageSize)
        if let fleet {
            do { configuration.fleet = try Fleet.load(path: fleet) } catch {
                throw ValidationError("--fleet: \(error)")
            }
        }
        configuration.faults = try faults.map { try Fault(parsing: $0) }
        if let latency, let delay = Fault.duration(latency) {
            configuration.faults.append(Fault(path: "/**", action: .latency(delay)))
        }
        if let tlsCertificate, let tlsKey {
            do {
                configuration.tls = try .files(certificateChain: tlsCertificate, privateKey: tlsKey, offersHTTP2: !http1Only)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let simulator: TokenFactorySimulator
        do {
            simulator = try await TokenFactorySimulator.start(configuration: configuration)
        } catch {
            // The system's words (`Address already in use`), not NIO's description of its call.
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            FileHandle.standardError.write(Data("tfscript simulator: cannot listen on 127.0.0.1:\(port): \(reason). Try another --port, or --port 0 for a free one.\n".utf8))
            throw ExitCode(1)
        }
        let protocols = tlsCertificate == nil ? "" : "  protocols: \(http1Only ? "http/1.1 (HTTP/2 not offered)" : "h2, http/1.1 (ALPN)")\n"
        // A self-signed certificate is its own CA; a CA-signed one needs that CA's file instead.
        let caFlag = tlsCertificate.map { " --ca-file \($0)" } ?? ""
        let banner = """
        Token Factory simulator listening on \(simulator.baseURL)
          token:     \(simulator.token)
          endpoints: \(configuration.fleet.count)   speed: \(speed == 0 ? "instant" : "\(speed)x")   faults: \(configuration.faults.count)
        \(protocols)Use it with:
          TOKEN_FACTORY_API_KEY=\(simulator.token) tfscript run --base-url \(simulator.baseURL)\(caFlag) script.lua
        Press Ctrl-C to stop.

        """
        FileHandle.standardError.write(Data(banner.utf8))
        // SIGINT and SIGTERM end the group gracefully: the service stops the simulator and returns.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [SimulatorService(simulator: simulator)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "tfscript.simulator", factory: { _ in SwiftLogNoOpLogHandler() })
        ))
        try await group.run()
    }
}
