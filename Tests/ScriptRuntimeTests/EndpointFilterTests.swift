import TFScriptJSON
@testable import TFScriptRuntime
import Testing

struct EndpointFilterTests {
    let endpoint: JSONValue = ["name": "test-llama", "region": "eu-west1", "enabled": true]

    @Test("every given key must match")
    func allKeys() throws {
        let filter = try EndpointFilter(json: ["name": "test-*", "region": "eu-west1", "enabled": true, "state": "RUNNING"])
        #expect(filter.matches(endpoint, state: "running"))
        #expect(!filter.matches(endpoint, state: "stopped"))
        #expect(!(try EndpointFilter(json: ["region": "us-central1"])).matches(endpoint, state: nil))
    }

    @Test("no filter matches everything")
    func empty() throws {
        #expect(try EndpointFilter(json: nil).matches(endpoint, state: nil))
        #expect(try EndpointFilter(json: .null).matches(endpoint, state: nil))
    }

    @Test("a misspelt key is an error, not a filter that matches everything")
    func unknownKey() {
        let error = #expect(throws: EndpointFilter.FilterError.self) { try EndpointFilter(json: ["regoin": "eu-west1"]) }
        #expect(error?.message == "filter.regoin is not a filter key (use name, region, state, enabled)")
    }

    @Test("wrong types name the key and what was given")
    func wrongType() {
        let error = #expect(throws: EndpointFilter.FilterError.self) { try EndpointFilter(json: ["enabled": "yes"]) }
        #expect(error?.message == "filter.enabled must be a boolean, got a string")
    }

    @Test("a name pattern longer than 1024 characters is refused")
    func longPattern() throws {
        let error = #expect(throws: EndpointFilter.FilterError.self) {
            try EndpointFilter(json: ["name": .string(String(repeating: "*a", count: 600))])
        }
        #expect(error?.message.hasPrefix("filter.name is longer than 1024 characters") == true)
        #expect(try EndpointFilter(json: ["name": .string(String(repeating: "a", count: 1024))]).name != nil)
    }
}
