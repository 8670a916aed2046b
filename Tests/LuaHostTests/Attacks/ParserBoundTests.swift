import Foundation
import Testing
@testable import TFScriptLuaHost

/// Issue 18, class 6: no hook runs inside Lua's parser, and Lua 5.4.4's parser has quadratic
/// paths a chunk controls. The sandbox checks every chunk's tokens before compiling it (main
/// chunk, `load`, `require`), reading them exactly as llex.c does, and refuses a chunk whose
/// parser work (an upper bound computed from its tokens) or size is over the caps
/// (docs/sandbox.md). Each bomb below is a shape stock lua5.4 compiles for 0.25 s or more at
/// the size used here, and for minutes at a few times that size.
struct ParserBoundTests {
    static let budgetRefusal = "compiling this chunk would take too long"
    static let chainRefusal = "field or index accesses"

    /// Runs `generator` (Lua returning a source string) in the sandbox, loads that source with
    /// `load` and returns load's message (nil when the chunk loaded).
    func loadMessage(_ generator: String) throws -> String? {
        let state = try makeState(memoryLimit: 256 << 20, timeout: .seconds(30))
        let value = try eval(state, """
            local source = (function() \(generator) end)()
            local f, message = load(source, '=bomb')
            if f then return nil end
            return message
            """)
        return value.stringValue
    }

    // MARK: the lexer cannot be desynchronised

    @Test("a chunk is tokenised as llex.c does: text it takes for code is never hidden as a comment or string", arguments: [
        "'--x\\r'",                 // a short comment ends at CR
        "'--x\\r\\n'",
        "'--[==x\\r'",              // not a long comment: a short one, ended by CR
        "'--[[ a\\rb ]] '",
        // the string closes on the next line; the chain follows on that line
        "'local s = \"\\\\z\\n\" '",     // \z skips the line ending
        "'local s = \"\\\\z \\r\\n\\t \\v\\f\" '",
        "'local s = \"\\\\\\r\\n\" '",   // an escaped CRLF is one line ending
        "'local s = \"\\\\\\n\\r\" '",   // so is an escaped LFCR
        "'local s = \\'\\\\\\r\\' '",
        "'local s = [[a]=]b]] '",  // a long string ends at ]] only
        "'local s = [==[a]]b]==] '",
    ])
    func lexerMatchesLua(_ prefix: String) throws {
        // The prefix puts the chain in code for Lua; a lexer that reads it differently hid it.
        let message = try loadMessage("return \(prefix) .. 'return t' .. string.rep('.a', 300)")
        #expect(message?.contains(Self.chainRefusal) == true, "\(message ?? "loaded")")
    }

    @Test("brackets nested past the check's depth are refused, not waved through")
    func deepNesting() throws {
        let message = try loadMessage("return 'return ' .. string.rep('(', 300) .. 't' .. string.rep('.a', 300) .. string.rep(')', 300)")
        #expect(message?.contains("nested more than 256 deep") == true, "\(message ?? "loaded")")
    }

    // MARK: parser work over the budget

    @Test("a chunk the parser would spend quadratic time on is refused before it is compiled", arguments: [
        // if/elseif: each branch walks the escape list (test_then_block, luaK_concat)
        "local p = {'local x if x == 0 then x = 1 '} for i = 1, 20000 do p[#p+1] = 'elseif x == ' .. i .. ' then x = 2 ' end p[#p+1] = 'end' return table.concat(p)",
        // and/or chains: each operator walks the expression's jump list
        "return 'local a return a' .. string.rep(' or a', 20000)",
        "return 'local a return a' .. string.rep(' and a', 20000)",
        "return 'local a, b return (a' .. string.rep(' and b', 10000) .. ')' .. string.rep(' or a', 10000)",
        // many pending gotos to one label: each resolution shifts the rest
        "return string.rep('goto c ', 25000) .. '::c::'",
        // labels, then backward gotos to the last one: each goto scans every label
        "local p = {} for i = 1, 16000 do p[#p+1] = '::l' .. i .. ':: x = 1 ' end for i = 1, 16000 do p[#p+1] = 'goto l16000 ' end return table.concat(p)",
        // breaks in one loop
        "return 'while true do ' .. string.rep('if x then break end ', 25000) .. 'end'",
        // pending gotos in nested blocks behind <const> locals: movegotosout at each block exit
        "local p = {} for i = 1, 199 do p[#p+1] = 'local c' .. i .. ' <const> = 1 ' end p[#p+1] = string.rep('do ', 150) .. string.rep('goto z ', 4000) .. string.rep('end ', 150) .. '::z::' return table.concat(p)",
        // deeply nested functions with many locals: each name is searched through all of them
        "local p = {} for i = 1, 90 do p[#p+1] = 'local function f' .. i .. '() local a1' for j = 2, 190 do p[#p+1] = ', a' .. j end p[#p+1] = ' ' end p[#p+1] = string.rep('g = g ', 30000) p[#p+1] = string.rep('end ', 90) return table.concat(p)",
        // statements behind <const> locals (luaY_nvarstack walks back past them)
        "local p = {} for i = 1, 199 do p[#p+1] = 'local c' .. i .. ' <const> = 1 ' end p[#p+1] = string.rep(';', 900000) return table.concat(p)",
        // float constants with one hash (unseeded): each lookup walks all of them
        "local p = {'return {'} for k = 1, 15000 do p[#p+1] = string.format('%.17g,', 0.5 + k * 2.0^-50) end p[#p+1] = '}' return table.concat(p)",
        // integer constants that collide in the constant table
        "local p = {'return {'} for k = 1, 15000 do p[#p+1] = (k + 100) * 16383 .. ',' end p[#p+1] = '}' return table.concat(p)",
        // the same floats made by constant folding from small integers (no numeral is a constant)
        "local p = {'return {'} for k = 1, 15000 do p[#p+1] = '(' .. k % 9999 .. ' + ' .. k // 9999 .. ' * 9999 + 2^52) / 2^53,' end p[#p+1] = '}' return table.concat(p)",
    ])
    func quadraticShapes(_ generator: String) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let message = try loadMessage(generator)
        #expect(message?.contains(Self.budgetRefusal) == true, "\(message ?? "loaded")")
        #expect(message?.hasPrefix("bomb: line ") == true, "\(message ?? "loaded")")
        #expect(clock.now - start < .seconds(5), "generating and checking took \(clock.now - start)")
    }

    @Test("the main chunk is refused the same way, as a script error at its line")
    func mainChunk() throws {
        let state = try makeState()
        let source = "local a = 1\nreturn a" + String(repeating: " or a", count: 20000)
        let error = try #require(throws: LuaError.self) { try state.run(source, chunkName: "=script") }
        #expect(error.limit == nil)
        #expect(error.message.contains("script: line 2: " + Self.budgetRefusal), "\(error.message)")
    }

    @Test("a chunk over the source size cap is refused")
    func sizeCap() throws {
        let message = try loadMessage("return 'return {' .. string.rep('\"xxxxxxxxx\",', 100000) .. '}'")
        #expect(message?.contains("larger than the 1 MiB the tfscript sandbox compiles") == true, "\(message ?? "loaded")")
    }

    @Test("a reader function's chunk over the size cap is refused, and read no further than the cap")
    func sizeCapReader() throws {
        let state = try makeState(timeout: .seconds(30))
        let value = try eval(state, """
            local pieces = 0
            local f, message = load(function()
              pieces = pieces + 1
              if pieces <= 1000000 then return 'x = 1 -- a line of padding\\n' end
            end, '=bomb')
            return tostring(f) .. ' ' .. pieces .. ' ' .. message
            """)
        let text = try #require(value.stringValue)
        #expect(text.hasPrefix("nil "), "\(text)")
        #expect(text.contains("larger than the 1 MiB the tfscript sandbox compiles"), "\(text)")
        let pieces = try #require(text.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        #expect(pieces < 50_000, "read \(pieces) pieces")
    }

    // MARK: ordinary code still compiles

    @Test("ordinary code of ordinary shape loads, up to the size cap", arguments: [
        // a large script of ordinary functions, near the 1 MiB cap
        "local p = {} for i = 1, 7500 do p[#p+1] = string.format('function f%d(a, b) local c = a and b or %d if c > 1 then return c elseif b then return b end return (a or b) and f%d(b, a) end\\n', i, i, i) end return table.concat(p)",
        // a main chunk of assignments with and/or, no keyword between them
        "return 'local y, z, w\\n' .. string.rep('x = (y or z) and w or y\\n', 40000)",
        // a few hundred elseif, labels and gotos, a long and/or condition, a data table
        "local p = {'local x if x == 0 then x = 1 '} for i = 1, 500 do p[#p+1] = 'elseif x == ' .. i .. ' then goto l' .. i .. ' ' end p[#p+1] = 'end ' for i = 1, 500 do p[#p+1] = '::l' .. i .. ':: x = 1 ' end p[#p+1] = 'return x' .. string.rep(' or x', 1000) return table.concat(p)",
        "local p = {'return {'} for k = 1, 3000 do p[#p+1] = k * 1.5 .. ',' end p[#p+1] = '}' return table.concat(p)",
    ])
    func ordinaryCodeLoads(_ generator: String) throws {
        let message = try loadMessage(generator)
        #expect(message == nil, "\(message ?? "")")
    }
}
