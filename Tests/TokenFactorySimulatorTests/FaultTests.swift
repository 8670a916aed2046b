import HTTPTypes
import Foundation
import TFScriptJSON
import Testing
@testable import TokenFactorySimulator

@Suite("Simulator faults, log and control routes")
struct FaultTests {
    @Test("fault lines parse into method, path, action and count")
    func parse() throws {
        let fault = try Fault(parsing: "GET /v0/dedicated_endpoints/* 429 retry-after=2 times=3")
        #expect(fault.method == "GET")
        #expect(fault.path == "/v0/dedicated_endpoints/*")
        #expect(fault.action == .status(429, retryAfter: "2"))
        #expect(fault.remaining == 3)
        #expect(try Fault(parsing: "* /** latency=250ms").action == .latency(.milliseconds(250)))
        #expect(try Fault(parsing: "POST /v0/dedicated_endpoints large=2MB").action == .large(bytes: 2 << 20))
    }

    @Test("a bad fault line says what is wrong and shows the syntax")
    func parseError() {
        #expect(throws: Fault.ParseError.self) { try Fault(parsing: "GET /x explode") }
        #expect(throws: Fault.ParseError.self) { try Fault(parsing: "FETCH /x 503") }
    }

    @Test("path patterns match one segment with * and the rest with **")
    func patterns() throws {
        let one = try Fault(parsing: "GET /v0/dedicated_endpoints/* 503")
        #expect(one.matches(method: "GET", path: "/v0/dedicated_endpoints/ep-1"))
        #expect(!one.matches(method: "GET", path: "/v0/dedicated_endpoints"))
        #expect(!one.matches(method: "PATCH", path: "/v0/dedicated_endpoints/ep-1"))
        #expect(try Fault(parsing: "* /** drop").matches(method: "DELETE", path: "/v0/dedicated_endpoints/x"))
    }

    @Test("a fault limited to N requests fails N times, then the route answers")
    func limitedFault() async throws {
        try await RouterHarness.run(faults: [try Fault(parsing: "GET /v0/dedicated_endpoints 503 times=2")]) { (harness: RouterHarness) async throws in
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await harness.send(.get, "/v0/dedicated_endpoints").status) }
            #expect(statuses == [503, 503, 200])
        }
    }

    @Test("429 carries Retry-After")
    func retryAfterHeader() async throws {
        try await RouterHarness.run(faults: [try Fault(parsing: "GET /** 429 retry-after=7")]) { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.get, "/v0/dedicated_endpoints")
            #expect(reply.status == 429)
            #expect(reply.headers[.retryAfter] == "7")
        }
    }

    @Test("malformed and truncated bodies are not JSON")
    func spoiledBodies() async throws {
        try await RouterHarness.run(faults: [try Fault(parsing: "GET /v0/dedicated_endpoints malformed"), try Fault(parsing: "GET /v0/dedicated_endpoints/* truncated")]) { (harness: RouterHarness) async throws in
            let malformed = try await harness.send(.get, "/v0/dedicated_endpoints")
            #expect(malformed.status == 200)
            #expect(malformed.body == nil)
            let truncated = try await harness.send(.get, "/v0/dedicated_endpoints/ep-demo-01")
            #expect(truncated.body == nil)
            #expect(truncated.text.hasPrefix("{\""))
        }
    }

    @Test("a large response stays valid JSON and has the requested size")
    func large() async throws {
        try await RouterHarness.run(faults: [try Fault(parsing: "GET /v0/dedicated_endpoints/* large=100KB")]) { (harness: RouterHarness) async throws in
            let reply = try await harness.send(.get, "/v0/dedicated_endpoints/ep-demo-01")
            #expect(reply.text.utf8.count > 100 << 10)
            #expect(reply.body?["endpoint_id"] == "ep-demo-01")
        }
    }

    @Test("the request log records API calls with bodies and statuses, not control routes")
    func requestLog() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["enabled": false])
            try await harness.send(.get, "/_simulator/requests")
            let log = await harness.state.log
            #expect(log.count == 1)
            #expect(log.first?.method == "PATCH")
            #expect(log.first?.body == ["enabled": false])
            #expect(log.first?.status == 200)
        }
    }

    @Test("faults can be added and cleared through the control route")
    func controlRoute() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            let added = try await harness.send(.post, "/_simulator/faults", json: ["fault": "DELETE /v0/dedicated_endpoints/* 500 times=1"], token: nil)
            #expect(added.status == 201)
            #expect(try await harness.send(.delete, "/v0/dedicated_endpoints/ep-demo-01").status == 500)
            #expect(try await harness.send(.delete, "/v0/dedicated_endpoints/ep-demo-01").status == 204)
            let bad = try await harness.send(.post, "/_simulator/faults", json: ["fault": "nonsense"], token: nil)
            #expect(bad.status == 400)
            try await harness.send(.post, "/_simulator/faults", json: ["faults": ["* /** 503"]], token: nil)
            #expect(try await harness.send(.delete, "/_simulator/faults", token: nil).status == 204)
            #expect(try await harness.send(.get, "/v0/dedicated_endpoints").status == 200)
        }
    }

    @Test("the clock control route completes transitions")
    func clockRoute() async throws {
        try await RouterHarness.run { (harness: RouterHarness) async throws in
            try await harness.send(.patch, "/v0/dedicated_endpoints/ep-demo-01", json: ["enabled": false])
            try await harness.send(.post, "/_simulator/clock", json: ["advance_seconds": 60], token: nil)
            #expect(try await harness.send(.get, "/v0/dedicated_endpoints/ep-demo-01").body?["status"] == "stopped")
        }
    }
}

@Suite("Simulator lifecycle and fleets")
struct LifecycleTests {
    @Test("starts on an ephemeral loopback port and stops")
    func startStop() async throws {
        let simulator = try await TokenFactorySimulator.start()
        #expect(simulator.baseURL.hasPrefix("http://127.0.0.1:"))
        #expect(simulator.port > 0)
        #expect(simulator.token.count > 20)
        await simulator.shutdown()
    }

    @Test("the demo fleet has 12 endpoints across three regions, some disabled")
    func demoFleet() {
        let fleet = Fleet.demo
        #expect(fleet.count == 12)
        #expect(Set(fleet.compactMap { $0["region"]?.stringValue }) == ["eu-north1", "eu-west1", "us-central1"])
        #expect(fleet.contains { $0["enabled"] == false })
    }

    @Test("a fleet file is loaded; ids and state are filled in")
    func fleetFile() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString).json")
        try Data(#"{"endpoints": [{"name": "a", "enabled": false}, {"id": "ep-b", "name": "b"}]}"#.utf8).write(to: url)
        let fleet = try Fleet.load(path: url.path)
        try await RouterHarness.run(fleet: fleet) { (harness: RouterHarness) async throws in
            let list = try await harness.send(.get, "/v0/dedicated_endpoints").body?["endpoints"]?.arrayValue ?? []
            #expect(list.count == 2)
            #expect(list.first?["status"] == "stopped")
            #expect(list.last?["endpoint_id"] == "ep-b")
        }
    }

    @Test("a fleet entry without a name is refused with its index")
    func fleetWithoutName() {
        #expect(throws: Fleet.LoadError.self) { try Fleet.parse([["endpoint_id": "x"]]) }
    }
}
