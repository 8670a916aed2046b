import Foundation
import Glibc
import Testing
import TFScriptLuaHost
import TFScriptLuaShims

/// A pooled Lua thread gives back the stack pages a deep run touched (issue 21): the pool keeps
/// threads for the next runs, and an idle one must not hold the deepest run's peak.
struct ThreadStackTests {
    /// Where the deep pages a job touched are, and its thread's stack size.
    struct Stack: Sendable {
        /// The lowest of the pages checked (the deepest).
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
    /// How deep the job goes: 8 MiB, far deeper than a small run (and than the 1 MiB kept).
    static let depth = 8 << 20
    /// The pages checked: the deepest 6 MiB of it, all well below the kept part.
    static let touched = (6 << 20) / page

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
            // What a deep run leaves: every page from its frame down to its deepest (a stack
            // grows down a frame at a time, as recursion does).
            let frame = UInt(tfs_frame_address())
            let top = UInt(bitPattern: base) + UInt(size)
            guard frame > UInt(bitPattern: base) + UInt(Self.depth) + (1 << 20), frame <= top else { return Stack(low: 0, size: 0) }
            let start = (frame - (64 << 10)) & ~UInt(Self.page - 1)
            for offset in stride(from: 0, to: Self.depth, by: Self.page) {
                UnsafeMutableRawPointer(bitPattern: start - UInt(offset))!.storeBytes(of: 1, as: UInt8.self)
            }
            let deep = UnsafeMutableRawPointer(bitPattern: start - UInt(Self.depth) + UInt(Self.page))!
            var stack = Stack(low: UInt(bitPattern: deep), size: size)
            stack.residentAtFirst = Self.resident(stack)
            return stack
        }
        try #require(stack.size >= LuaThread.defaultStackSize, "a pooled thread has the default stack, and this job runs on it")
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
