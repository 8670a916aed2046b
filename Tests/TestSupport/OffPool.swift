import Foundation

/// Runs blocking work (reading a child's pipe, waiting for it to exit) on a thread of its own
/// and awaits it.
///
/// Swift concurrency's pool has one thread per core (two on CI): a test that blocks one of
/// them stalls every in-process engine test running alongside, whose scripts then miss their
/// timeouts. Tests never block the pool; they hand blocking waits to this.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
