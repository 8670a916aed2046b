import Foundation

/// Runs Lua work on a dedicated thread with a large stack, from async code.
///
/// Lua and the host functions it calls may block (a host function waiting for HTTP does, by
/// design), so they never run on Swift concurrency's cooperative pool. Create the ``LuaState``
/// inside `body`: it stays confined to that thread.
public enum LuaThread {
    /// The default stack size: deep Lua recursion and nested value copies need more than 512 KiB.
    public static let defaultStackSize = 64 << 20

    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(
        name: String = "tfscript.lua",
        stackSize: Int = defaultStackSize,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }
    }
}
