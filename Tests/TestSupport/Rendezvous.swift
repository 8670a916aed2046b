import Synchronization

/// Lets a test wait until a script reached a point (a host function signalled), without
/// sleeping: the host function calls ``signal()``, the test awaits ``wait()``.
public final class Rendezvous: Sendable {
    private let state = Mutex<(signalled: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// Marks the point reached and wakes every waiter (later waiters return at once).
    public func signal() {
        let waiters = state.withLock { state in
            state.signalled = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once ``signal()`` has been called.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.signalled { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// Opens when `count` parties have arrived: proves that host calls overlap (a serial caller
/// would never get past the first arrival).
public final class Barrier: Sendable {
    private let count: Int
    private let state = Mutex<(arrived: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    public init(count: Int) { self.count = count }

    /// Waits until `count` callers are waiting here together.
    public func arriveAndWait() async {
        await withCheckedContinuation { continuation in
            let release: [CheckedContinuation<Void, Never>] = state.withLock { state in
                state.arrived += 1
                state.waiters.append(continuation)
                guard state.arrived >= count else { return [] }
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in release { waiter.resume() }
        }
    }
}

/// A thread-safe list for what host functions saw.
public final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    public init() {}
    public func append(_ item: Element) { items.withLock { $0.append(item) } }
    public var all: [Element] { items.withLock { $0 } }
}
