import Foundation
import Glibc
import Testing
import TFScriptLuaHost

/// A pooled Lua thread gives back the stack pages a deep run touched (issue 21): the pool keeps
/// threads for the next runs, and an idle one must not hold the deepest run's peak.
struct ThreadStackTests {
    /// Where a job's thread stack is: its lowest address and size.
    struct Stack: Sendable {
        let low: UInt
        let size: Int
        /// Touched pages resident right after the writes (all, or the test proves nothing).
        var residentAtFirst = 0
    }

    static let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// `pthread_getattr_np`, which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
    static let getAttributes = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np").map {
        unsafeBitCast($0, to: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32).self)
    }
    /// The pages touched: near the stack's far end, tens of MiB deeper than a small run goes.
    static let touched = 32

    @Test("pages deep in a pooled thread's stack are given back once the thread goes idle")
    func deepPagesGivenBack() async throws {
        let stack = try await LuaThread.run { () -> Stack in
            let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
            defer { attributes.deallocate() }
            guard let getAttributes = Self.getAttributes, getAttributes(pthread_self(), attributes) == 0 else {
                return Stack(low: 0, size: 0)
            }
            defer { pthread_attr_destroy(attributes) }
            var base: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(attributes, &base, &size) == 0, let base else { return Stack(low: 0, size: 0) }
            // What a deep run leaves: pages written far below where ordinary runs reach (the
            // stack grows down from `base + size`; these are 16 pages above its low end).
            let deep = base + 16 * Self.page
            for page in 0..<Self.touched { deep.storeBytes(of: 1, toByteOffset: page * Self.page, as: UInt8.self) }
            var stack = Stack(low: UInt(bitPattern: deep), size: size)
            stack.residentAtFirst = Self.resident(stack)
            return stack
        }
        try #require(stack.size >= LuaThread.defaultStackSize, "a pooled thread has the default stack")
        #expect(stack.residentAtFirst == Self.touched)
        // The thread trims when it goes to sleep (after looking for work a little while):
        // other suites' runs may keep it busy for a moment, so allow for that.
        let deadline = ContinuousClock.now + .seconds(20)
        while Self.resident(stack) > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(Self.resident(stack) == 0, "deep stack pages still resident: \(Self.resident(stack)) of \(Self.touched)")
    }

    /// How many of the touched pages are resident now.
    static func resident(_ stack: Stack) -> Int {
        var pages = [UInt8](repeating: 0, count: touched)
        guard let start = UnsafeMutableRawPointer(bitPattern: stack.low),
              mincore(start, touched * page, &pages) == 0 else { return -1 }
        return pages.filter { $0 & 1 != 0 }.count
    }
}
