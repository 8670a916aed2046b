import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TFScriptJSON
import NIOCore
@testable import TokenFactorySimulator

/// Runs simulator routes in process with HummingbirdTesting's router framework (no sockets).
struct RouterHarness: Sendable {
    static let token = "test-token"
    let client: any TestClientProtocol
    let state: SimulatorState

    /// A response reduced to what the tests assert on.
    struct Reply {
        var status: Int
        var body: JSONValue?
        var headers: HTTPFields
        var text: String
    }

    static func run(
        fleet: [JSONValue] = Fleet.demo,
        speed: Double = 1,
        pageSize: Int = 50,
        faults: [Fault] = [],
        _ body: @escaping @Sendable (RouterHarness) async throws -> Void
    ) async throws {
        let state = SimulatorState(fleet: fleet, templates: TemplateCatalogue.builtIn, faults: faults, speed: speed, pageSize: pageSize, shape: .standard)
        let app = Application(router: TokenFactorySimulator.makeRouter(state: state, token: token))
        try await app.test(.router) { client in
            try await body(RouterHarness(client: client, state: state))
        }
    }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil, rawBody: String? = nil, token: String? = RouterHarness.token) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let json { buffer = ByteBuffer(bytes: json.serializedBytes()) }
        if let rawBody { buffer = ByteBuffer(string: rawBody) }
        return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let bytes = Array(response.body.readableBytesView)
            return Reply(
                status: Int(response.status.code),
                body: try? JSONValue(parsing: bytes),
                headers: response.headers,
                text: String(decoding: bytes, as: UTF8.self)
            )
        }
    }

    func advance(_ seconds: Double) async { await state.advanceClock(by: seconds) }
}

func spec(name: String = "test-sim", gpuCount: Int64 = 1) -> JSONValue {
    [
        "name": .string(name), "model_name": "openai/gpt-oss-20b", "flavor_name": "base",
        "gpu_type": "gpu-h100-sxm", "gpu_count": .integer(gpuCount), "region": "us-central1",
    ]
}
