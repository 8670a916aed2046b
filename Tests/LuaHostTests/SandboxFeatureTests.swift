import Foundation
import Testing
@testable import TFScriptLuaHost

/// What the sandbox still allows: the libraries scripts need keep working.
struct SandboxFeatureTests {
    @Test("pairs over a read-only library table still lists its functions")
    func pairsOnLibrary() throws {
        let state = try makeState()
        #expect(try eval(state, "local n = 0 for k, v in pairs(string) do n = n + 1 end return n > 10") == true)
        #expect(try eval(state, "return ('abc'):upper()") == "ABC")
    }

    @Test("os.getenv returns the variables the host gave, and never reads the process's environment")
    func getenvAllowed() throws {
        let state = try makeState(sandbox: .init(environment: ["REGION": "eu-west1"]))
        #expect(try eval(state, "return os.getenv('REGION')") == "eu-west1")
        // PATH is set in this process, but the host did not give it.
        #expect(ProcessInfo.processInfo.environment["PATH"] != nil)
        #expect(try eval(state, "return os.getenv('PATH')") == .nil)
    }

    @Test("the same seed gives the same random numbers")
    func seededRandom() throws {
        let a = try makeState(sandbox: .init(randomSeed: 42))
        let b = try makeState(sandbox: .init(randomSeed: 42))
        let script = "return math.random(1, 1000000), math.random()"
        #expect(try a.run(script, chunkName: "=t") == b.run(script, chunkName: "=t"))
    }

    @Test("require loads Lua source from the search folders, once")
    func requireFromFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luahost-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try Data("counter = (counter or 0) + 1 return {name = ...}".utf8).write(to: folder.appendingPathComponent("lib/util.lua"))
        let state = try makeState(sandbox: .init(requirePaths: [folder.path]))
        #expect(try state.run("local a = require('lib.util') local b = require('lib.util') return a.name, counter, a == b", chunkName: "=t")
            == ["lib.util", 1, true])
    }

    @Test("require refuses a module whose real path leaves the search folders (symlinks)")
    func requireSymlinkOutside() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("luahost-\(UUID().uuidString)")
        let allowed = root.appendingPathComponent("scripts"), outside = root.appendingPathComponent("secret")
        try FileManager.default.createDirectory(at: allowed, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("return 'leaked'".utf8).write(to: outside.appendingPathComponent("data.lua"))
        try FileManager.default.createSymbolicLink(
            at: allowed.appendingPathComponent("link.lua"), withDestinationURL: outside.appendingPathComponent("data.lua"))
        try FileManager.default.createSymbolicLink(at: allowed.appendingPathComponent("dir"), withDestinationURL: outside)
        try Data("return 'inside'".utf8).write(to: allowed.appendingPathComponent("real.lua"))
        try FileManager.default.createSymbolicLink(
            at: allowed.appendingPathComponent("alias.lua"), withDestinationURL: allowed.appendingPathComponent("real.lua"))
        let state = try makeState(sandbox: .init(requirePaths: [allowed.path]))
        for module in ["link", "dir.data"] {
            let error = try #require(throws: LuaError.self) { try state.run("return require('\(module)')", chunkName: "=t") }
            #expect(error.message.contains("outside the script's folder"), "\(error.message)")
        }
        #expect(try eval(state, "return require('alias')") == "inside") // a link that stays inside is fine
    }

    @Test("require returns the standard libraries, and the reduced os")
    func requireStandardLibraries() throws {
        let state = try makeState()
        #expect(try eval(state, "return require('string') == string and require('table') == table and require('_G') == _G") == true)
        #expect(try eval(state, "return require('os') == os and require('os').execute == nil") == true)
    }

    @Test("load accepts text chunks with a custom environment")
    func loadText() throws {
        let state = try makeState()
        #expect(try eval(state, "return load('return x', 'chunk', 't', {x = 7})()") == 7)
        #expect(try eval(state, "return load('return 5')()") == 5)
    }

    @Test("collectgarbage count, step and collect work")
    func collectgarbageAllowed() throws {
        let state = try makeState()
        #expect(try eval(state, "collectgarbage() collectgarbage('step') return collectgarbage('count') > 0") == true)
    }

    @Test("coroutines can yield across the sandbox's pcall")
    func yieldAcrossPcall() throws {
        let state = try makeState()
        #expect(try state.run("""
            local co = coroutine.wrap(function() local ok, v = pcall(coroutine.yield, 1) return v end)
            return co(), co(2)
            """, chunkName: "=t") == [1, 2])
    }

    @Test("an error value without text is described, not lost")
    func errorWithoutText() throws {
        let state = try makeState()
        let error = try #require(throws: LuaError.self) { try state.run("error({code = 7})", chunkName: "=t") }
        #expect(error.message == "(error object is a table value)")
        #expect(error.value["code"] == 7)
    }
}
