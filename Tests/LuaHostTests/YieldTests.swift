import Testing
@testable import TFScriptLuaHost

/// Host functions that suspend their coroutine (the mechanism behind `tf.parallel`): the
/// yield happens in C, the host function re-runs on resume and answers from its journal.
/// These run under AddressSanitizer in `scripts/test`.
struct YieldTests {
    /// An answer a host function recorded in its journal before suspending.
    final class Answer {
        let value: LuaValue
        init(_ value: LuaValue) { self.value = value }
    }

    static let sentinel = LuaValue.lightUserdata(0x7f5)

    /// `fetch(x)`: in a coroutine that can yield, suspends once (yielding the sentinel) and
    /// answers `x * 2` when resumed; elsewhere answers at once. `fetch('boom')` raises after
    /// the resume; `twice(x)` suspends twice and answers `x * 4`.
    func makeState(memoryLimit: Int? = 32 << 20) throws -> LuaState {
        let state = try LuaHostTests.makeState(memoryLimit: memoryLimit)
        try state.setGlobal("fetch") { call in
            let argument = try call.argument(1)
            guard call.canSuspend else { return [Self.doubled(argument)] }
            if call.journal.next() != nil {
                if argument == "boom" {
                    throw LuaHostError(value: .table(LuaTable(fields: ["status": 503, "message": "after resume"])))
                }
                return [Self.doubled(argument)]
            }
            call.journal.append(Answer(.nil))
            throw LuaHostSuspension(yielding: Self.sentinel)
        }
        try state.setGlobal("twice") { call in
            let argument = try call.argument(1)
            guard call.canSuspend else { return [Self.doubled(Self.doubled(argument))] }
            var value = argument
            for _ in 0..<2 {
                if let answer = call.journal.next() as? Answer {
                    value = answer.value
                } else {
                    call.journal.append(Answer(Self.doubled(value)))
                    throw LuaHostSuspension(yielding: Self.sentinel)
                }
            }
            return [value]
        }
        try state.setGlobal("sentinel", Self.sentinel)
        try state.setGlobal("can_suspend") { call in [.boolean(call.canSuspend)] }
        return state
    }

    static func doubled(_ value: LuaValue) -> LuaValue {
        if case .integer(let i) = value { return .integer(i * 2) }
        return value
    }

    @Test("a host function suspends its coroutine and answers when resumed")
    func suspendAndResume() throws {
        let state = try makeState()
        let result = try state.run("""
            local co = coroutine.create(function(a) local r = fetch(a); return r + 1 end)
            local ok1, y = coroutine.resume(co, 20)
            local s1 = coroutine.status(co)
            local ok2, r = coroutine.resume(co)
            return ok1, y == sentinel, s1, ok2, r, coroutine.status(co)
            """, chunkName: "=t")
        #expect(result == [true, true, "suspended", true, 41, "dead"])
    }

    @Test("the same host function answers at once outside a coroutine")
    func blocksOnMainThread() throws {
        let state = try makeState()
        #expect(try state.run("return fetch(5), can_suspend()", chunkName: "=t") == [10, false])
    }

    @Test("a call that cannot yield (inside table.sort or string.gsub callbacks) answers at once")
    func notYieldableInsideCBoundary() throws {
        let state = try makeState()
        let result = try state.run("""
            local co = coroutine.wrap(function()
              local sorted = {3, 1, 2}
              local inside
              table.sort(sorted, function(a, b) inside = can_suspend(); return a < b end)
              local replaced = string.gsub('21', '%d+', function(d) return tostring(fetch(tonumber(d))) end)
              return replaced, inside, can_suspend()
            end)
            return co()
            """, chunkName: "=t")
        #expect(result == ["42", false, true])
    }

    @Test("an error raised after the resume reaches the coroutine with its position")
    func errorAfterResume() throws {
        let state = try makeState()
        let result = try state.run("""
            local co = coroutine.create(function()
              return fetch('boom')
            end)
            assert(coroutine.resume(co))
            local ok, err = coroutine.resume(co)
            return ok, err.status, err.where, coroutine.status(co)
            """, chunkName: "@w.lua")
        #expect(result == [false, 503, "w.lua:2", "dead"])
    }

    @Test("a suspension crosses pcall, and pcall catches the error raised after the resume")
    func yieldAcrossPcall() throws {
        let state = try makeState()
        let result = try state.run("""
            local co = coroutine.create(function()
              local ok1, v = pcall(fetch, 4)
              local ok2, e = pcall(fetch, 'boom')
              return ok1, v, ok2, e.status
            end)
            local yields = 0
            local ok, a, b, c, d = coroutine.resume(co)
            while coroutine.status(co) == 'suspended' do
              yields = yields + 1
              ok, a, b, c, d = coroutine.resume(co)
            end
            return yields, a, b, c, d
            """, chunkName: "=t")
        #expect(result == [2, true, 8, false, 503])
    }

    @Test("values passed to resume do not leak into the re-run host call's arguments")
    func resumeArgumentsIgnored() throws {
        let state = try makeState()
        let result = try state.run("""
            local co = coroutine.create(function() return twice(3) end)
            coroutine.resume(co)
            coroutine.resume(co, 'x', 'y', 'z')
            return coroutine.resume(co, 99)
            """, chunkName: "=t")
        #expect(result == [true, 12])
    }

    @Test("many interleaved coroutines suspend and resume; abandoned ones are collected")
    func manyCoroutines() throws {
        let state = try makeState()
        let result = try state.run("""
            local cos, results = {}, {}
            for i = 1, 200 do cos[i] = coroutine.create(function() return twice(i) + fetch(i) end) end
            local live = #cos
            while live > 0 do
              for i = 1, #cos do
                local co = cos[i]
                if co and coroutine.status(co) == 'suspended' then
                  local ok, v = coroutine.resume(co)
                  assert(ok, v)
                  if coroutine.status(co) == 'dead' then results[i] = v; cos[i] = false; live = live - 1 end
                end
              end
            end
            -- abandon a few suspended coroutines mid-call
            for i = 1, 50 do local co = coroutine.create(function() return twice(i) end); coroutine.resume(co) end
            collectgarbage('collect')
            local sum = 0
            for i = 1, 200 do sum = sum + results[i] end
            return sum
            """, chunkName: "=t")
        #expect(result == [.integer(6 * (200 * 201 / 2))])
    }

    @Test("a memory limit hit inside a resumed coroutine ends the run and cannot be caught")
    func memoryLimitInCoroutine() throws {
        let state = try makeState(memoryLimit: 4 << 20)
        let error = try #require(throws: LuaError.self) {
            try state.run("""
                local co = coroutine.create(function()
                  fetch(1)
                  local t = {}
                  for i = 1, 1e7 do t[i] = {i} end
                end)
                coroutine.resume(co)
                local ok, err = coroutine.resume(co)
                return 'swallowed'
                """, chunkName: "=t")
        }
        #expect(error.limit == .memory)
    }

    @Test("owners are found by coroutine identity and cleared")
    func owners() throws {
        let state = try makeState()
        final class Scheduler {}
        let scheduler = Scheduler()
        try state.setGlobal("claim") { call in
            guard let id = call.coroutine(ofArgument: 1) else { return [false] }
            call.state.setOwner(scheduler, of: id)
            return [true]
        }
        try state.setGlobal("owned") { call in [.boolean(call.state.owner(of: call.coroutine) === scheduler)] }
        let result = try state.run("""
            local co = coroutine.create(function() return owned() end)
            local other = coroutine.wrap(function() return owned() end)
            return claim(co), select(2, coroutine.resume(co)), other(), owned(), claim(42)
            """, chunkName: "=t")
        #expect(result == [true, true, false, false, false])
    }
}
