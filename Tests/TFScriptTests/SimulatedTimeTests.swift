import Testing
import TestSupport
import TFScript

/// Scripts that wait (tf.sleep, tf.endpoints.wait) tested in simulated time: an injected clock
/// returns from each sleep at once and moves the simulator's time by as much. Each run has a
/// short real `timeout`, so a run that really slept would end with exit 3.
struct SimulatedTimeTests {
    @Test("tf.sleep under a simulated clock returns at once, and the clock records the hour slept")
    func sleepIsVirtual() async throws {
        let api = try await SimulatedEngine.start()
        defer { Task { await api.stop() } }
        let clock = api.simulatedClock()
        let result = try await api.run("tf.sleep(3600) tf.sleep(0.5) print('woke')") {
            $0.clock = ScriptClock(clock)
            $0.timeout = .seconds(20)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "woke\n")
        #expect(clock.sleeps == [.seconds(3600), .milliseconds(500)])
    }

    @Test("a create followed by wait sees the simulator's 30 s start in simulated time, polling with backoff")
    func waitFollowsSimulatedTransitions() async throws {
        let api = try await SimulatedEngine.start(speed: 1)
        defer { Task { await api.stop() } }
        let clock = api.simulatedClock()
        let started = ContinuousClock.now
        let result = try await api.run("""
            local ep = tf.endpoints.create{name = "test-clock", model_name = "openai/gpt-oss-20b",
              flavor_name = "base", gpu_type = "gpu-h100-sxm", gpu_count = 1, region = "eu-west1"}
            print(ep.state)
            local ready = tf.endpoints.wait(ep.endpoint_id, "running", {interval = 8})
            print(ready.state)
            """) {
            $0.clock = ScriptClock(clock)
            $0.timeout = .seconds(20)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "starting\nrunning\n")
        // Polls start at 1 s and grow by half up to the interval: 1, 1.5, 2.25, 3.375, 5.0625, 7.59…, 8, …
        let sleeps = clock.sleeps
        #expect(sleeps.prefix(3) == [.seconds(1), .milliseconds(1500), .milliseconds(2250)])
        #expect(sleeps.allSatisfy { $0 <= .seconds(8) })
        // The simulator's time is real time plus what the clock slept: together they cover the 30 s start.
        let total = sleeps.reduce(Duration.zero, +)
        let real = ContinuousClock.now - started
        #expect(total + real >= .seconds(30) && total < .seconds(40), "slept \(total) in simulated time, \(real) real")
    }

    @Test("wait's timeout is measured on the injected clock: a stuck endpoint times out without real waiting")
    func waitTimesOutInSimulatedTime() async throws {
        let api = try await SimulatedEngine.start(speed: 1)
        defer { Task { await api.stop() } }
        let clock = api.simulatedClock()
        let result = try await api.run("""
            local ep = tf.endpoints.create{name = "test-slow", model_name = "openai/gpt-oss-20b",
              flavor_name = "base", gpu_type = "gpu-h100-sxm", gpu_count = 1, region = "eu-west1"}
            local ok, err = pcall(tf.endpoints.wait, ep.endpoint_id, "stopped", {timeout = 120})
            print(ok, err.kind)
            """) {
            $0.clock = ScriptClock(clock)
            $0.timeout = .seconds(20)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "false\ttimeout\n")
        #expect(clock.sleeps.reduce(Duration.zero, +) == .seconds(120))
    }
}
