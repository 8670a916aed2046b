import TFScriptJSON
@testable import TFScriptRuntime
import Synchronization
import TestSupport
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
    /// Polls on a simulated clock, so backoff and timeouts cost no real time.
    private func waiter(_ target: String, timeout: Duration = .seconds(30), clock: SimulatedClock = SimulatedClock()) -> EndpointWaiter {
        EndpointWaiter(target: target, timeout: timeout, interval: .seconds(5), progress: nil, clock: ScriptClock(clock))
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

    @Test("times out with the last state seen, after polling with backoff up to the interval")
    func timesOut() async {
        let states = StateSequence(["updating"])
        let clock = SimulatedClock()
        await #expect(throws: EndpointWaiter.Failure.timedOut(lastState: "updating")) {
            try await waiter("running", timeout: .seconds(20), clock: clock).wait(read: { states.next() }, state: { $0["status"]?.stringValue })
        }
        // 1 s, then ×1.5 up to the 5 s interval; the last sleep is cut to end at the timeout.
        #expect(clock.sleeps == [.seconds(1), .milliseconds(1500), .milliseconds(2250), .milliseconds(3375), .seconds(5), .seconds(5), .milliseconds(1875)])
    }
}
