import Foundation
@testable import TokenFactory
import TokenFactorySimulator
import Testing
import TestSupport

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

/// Issue 10, item 5: server-supplied numbers are clamped before any integer conversion.
@Suite("Clamped numbers")
struct ClampedNumberTests {
    @Test("Retry-After of 1e16, 1e300, inf or a far date is clamped, never trapping", arguments: ["1e16", "1e300", "-1e300", "inf", "nan", "Fri, 31 Dec 9999 23:59:59 GMT"])
    func hugeRetryAfter(_ header: String) {
        let delay = RetryAfter.delay(from: header)
        if let delay { #expect(delay >= .zero && delay <= .seconds(Int64(SafeNumbers.maximumSeconds))) }
    }

    @Test("a Content-Length too large for Int reads as Int.max, junk as nil")
    func contentLength() {
        #expect(SafeNumbers.contentLength("99999999999999999999999") == .max)
        #expect(SafeNumbers.contentLength("12") == 12)
        #expect(SafeNumbers.contentLength("-1") == nil)
        #expect(SafeNumbers.contentLength("1e3") == nil)
    }

    @Test("backoff and time amounts with absurd configured durations do not trap")
    func absurdDurations() {
        var generator = SystemRandomNumberGenerator()
        let backoff = Backoff(policy: .init(baseDelay: .seconds(Int64.max / 2), maxDelay: .seconds(Int64.max / 2)))
        #expect(backoff.delay(beforeRetry: 40, using: &generator) >= .zero)
        #expect(SafeNumbers.nanoseconds(.seconds(Int64.max)) == Int64.max)
        #expect(SafeNumbers.describe(.seconds(Int64.max)).hasPrefix("more than"))
    }
}

@Suite("Byte redaction")
struct ByteRedactionTests {
    @Test("the redactor matches bytes: a combining mark after the token does not hide it")
    func combiningMark() {
        let token = #"tk-Σ.*+?[](){}|^$"\/é😀"#
        let redactor = TokenRedactor(token: token)
        let text = "Bearer \(token)\u{301} and \(token)"
        let redacted = redactor.redact(text)
        #expect(!Array(redacted.utf8).containsSubsequence(Array(token.utf8)))
        #expect(redacted == "Bearer [REDACTED]\u{301} and [REDACTED]")
    }

    @Test("URL-encoded and HTML-escaped echoes of the token are redacted too")
    func otherSpellings() {
        let token = #"tk-&<>"'/+=?é"#
        let redactor = TokenRedactor(token: token)
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
        let html = token.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
        for echo in [encoded, encoded.lowercased(), html] {
            #expect(redactor.redact("<p>token=\(echo)</p>") == "<p>token=[REDACTED]</p>", "\(echo)")
        }
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard count >= needle.count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
