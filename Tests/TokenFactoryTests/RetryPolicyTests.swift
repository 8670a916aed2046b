import Foundation
@testable import TokenFactory
import TokenFactorySimulator
import Testing

@Suite("Retry policy pieces")
struct RetryPolicyTests {
    @Test("Retry-After in seconds")
    func seconds() {
        #expect(RetryAfter.delay(from: "3") == .seconds(3))
        #expect(RetryAfter.delay(from: " 0 ") == .zero)
    }

    @Test("Retry-After as an HTTP date is relative to now; past dates mean no wait")
    func httpDate() throws {
        let now = try #require(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(RetryAfter.delay(from: "Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.delay(from: "Sun, 06 Nov 1994 08:49:00 GMT", now: now) == .zero)
    }

    @Test("an unreadable Retry-After is ignored")
    func garbage() {
        #expect(RetryAfter.delay(from: "soon") == nil)
        #expect(RetryAfter.delay(from: nil) == nil)
    }

    @Test("full jitter stays within the exponential cap")
    func jitterBounds() {
        let backoff = Backoff(policy: .init(baseDelay: .milliseconds(100), maxDelay: .milliseconds(1000)))
        var generator = SystemRandomNumberGenerator()
        for retry in 1...8 {
            let cap = min(1000, 100 << (retry - 1))
            for _ in 0..<50 {
                let delay = backoff.delay(beforeRetry: retry, using: &generator)
                #expect(delay >= .zero && delay <= .milliseconds(cap))
            }
        }
    }

    @Test("concurrent requests through one client all succeed under intermittent faults")
    func concurrentRequests() async throws {
        try await withSimulator { simulator, client in
            await simulator.setFaults([try Fault(parsing: "GET /v0/dedicated_endpoints/* 503 times=3")])
            let ids = (1...12).map { String(format: "ep-demo-%02d", $0) }
            let found = try await withThrowingTaskGroup(of: String.self) { group in
                for id in ids { group.addTask { try await client.getEndpoint(id: id).id } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(found == Set(ids))
        }
    }
}
