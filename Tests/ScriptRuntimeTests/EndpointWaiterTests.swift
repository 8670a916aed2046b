import TFScriptJSON
@testable import TFScriptRuntime
import Synchronization
import Testing

/// Hands out a scripted sequence of states, one per poll.
private final class StateSequence: Sendable {
    private let states: Mutex<[String?]>
    init(_ states: [String?]) { self.states = Mutex(states) }
    func next() -> JSONValue? {
        states.withLock { list in
            let state = list.count > 1 ? list.removeFirst() : list.first!
            return state.map { ["status": .string($0)] }
        }
    }
}

struct EndpointWaiterTests {
    private func waiter(_ target: String, timeout: Duration = .seconds(30)) -> EndpointWaiter {
        EndpointWaiter(target: target, timeout: timeout, interval: .milliseconds(1), progress: nil)
    }

    @Test("returns the endpoint once it reaches the target state")
    func reaches() async throws {
        let states = StateSequence(["starting", "starting", "running"])
        let result = try await waiter("running").wait(read: { states.next() }, state: { $0["status"]?.stringValue })
        #expect(result?["status"] == "running")
    }

    @Test("stops with a failure when the endpoint enters error")
    func entersError() async {
        let states = StateSequence(["starting", "error"])
        await #expect(throws: EndpointWaiter.Failure.enteredError) {
            try await waiter("running").wait(read: { states.next() }, state: { $0["status"]?.stringValue })
        }
    }

    @Test("waiting for deleted ends when the endpoint is gone")
    func deleted() async throws {
        let states = StateSequence(["stopping", nil])
        let result = try await waiter("deleted").wait(read: { states.next() }, state: { $0["status"]?.stringValue })
        #expect(result == nil)
    }

    @Test("times out with the last state seen")
    func timesOut() async {
        let states = StateSequence(["updating"])
        await #expect(throws: EndpointWaiter.Failure.timedOut(lastState: "updating")) {
            try await waiter("running", timeout: .milliseconds(20)).wait(read: { states.next() }, state: { $0["status"]?.stringValue })
        }
    }
}
