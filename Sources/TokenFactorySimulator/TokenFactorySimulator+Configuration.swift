public import TFScriptJSON
public import Logging

extension TokenFactorySimulator {
    /// How to start a simulator. Every field is defaulted; the default is a demo server on an
    /// ephemeral loopback port with a random token, the demo fleet and instant-ish transitions off.
    public struct Configuration: Sendable {
        /// Loopback address to bind. Keep it loopback: the control routes have no token.
        public var host: String
        /// TCP port; 0 picks a free one (read it back from ``TokenFactorySimulator/baseURL``).
        public var port: Int
        /// The bearer token clients must send; nil generates a random one.
        public var token: String?
        /// Initial endpoints (``Fleet/demo`` by default; ``Fleet/load(path:)`` for a file).
        public var fleet: [JSONValue]
        /// Template catalogue (``TemplateCatalogue/builtIn`` by default).
        public var templates: [JSONValue]
        /// Transition speed: 1 is realistic (start 30 s, stop 10 s, update 20 s), 10 is ten
        /// times faster, `.infinity` makes every transition instant.
        public var speed: Double
        /// Items per page of `GET /v0/dedicated_endpoints` unless the client sends `page_size`.
        public var pageSize: Int
        /// Faults active from the start.
        public var faults: [Fault]
        /// Response shape variant (see ``ResponseShape``).
        public var shape: ResponseShape
        /// Where the server logs (nothing by default).
        public var logger: Logger
        /// Serve HTTPS with this certificate (HTTP/2 offered by ALPN unless told otherwise);
        /// nil (the default) serves plain HTTP.
        public var tls: TLS?

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            token: String? = nil,
            fleet: [JSONValue] = Fleet.demo,
            templates: [JSONValue] = TemplateCatalogue.builtIn,
            speed: Double = 1,
            pageSize: Int = 50,
            faults: [Fault] = [],
            shape: ResponseShape = .standard,
            logger: Logger = Logger(label: "tokenfactory.simulator", factory: { _ in SwiftLogNoOpLogHandler() }),
            tls: TLS? = nil
        ) {
            self.host = host
            self.port = port
            self.token = token
            self.fleet = fleet
            self.templates = templates
            self.speed = speed
            self.pageSize = pageSize
            self.faults = faults
            self.shape = shape
            self.logger = logger
            self.tls = tls
        }
    }
}
