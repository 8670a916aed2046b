import Dispatch
import Testing
@testable import TFScriptLuaHost

/// The one wait primitive of host calls (issue 20): a thread blocked for async work is woken by
/// a stop request itself, not found by polling. The waits below would take the whole 10 s
/// timeout (and fail) if nothing signalled them.
struct InterruptWakeTests {
    @Test("an interrupt wakes a thread waiting in waking(_:_:), and only while it waits there")
    func interruptWakes() {
        let handle = LuaInterruptHandle()
        let semaphore = DispatchSemaphore(value: 0)
        let woken = handle.waking(semaphore) { () -> DispatchTimeoutResult in
            DispatchQueue.global().async { handle.requestInterrupt() }
            return semaphore.wait(timeout: .now() + .seconds(10))
        }
        #expect(woken == .success)
        #expect(handle.isInterruptRequested)
        // Once the wait is over, a stop request no longer signals that semaphore.
        let later = DispatchSemaphore(value: 0)
        handle.requestInterrupt()
        #expect(later.wait(timeout: .now()) == .timedOut)
        #expect(semaphore.wait(timeout: .now()) == .timedOut)
    }

    @Test("a host call blocked on work that never ends returns at the timeout, with the timeout error")
    func timeoutEndsWait() throws {
        var configuration = LuaStateConfiguration()
        configuration.timeout = .milliseconds(200)
        let state = try LuaState(configuration: configuration)
        state.startClock()
        let never = DispatchSemaphore(value: 0)
        let result = state.interruptHandle.waking(never) { () -> LuaError? in
            while true {
                if let limit = state.limitReachedDuringHostCall() { return limit }
                _ = never.wait(timeout: state.hostWaitDeadline)
            }
        }
        #expect(result?.kind == .limit(.timeout))
    }
}
