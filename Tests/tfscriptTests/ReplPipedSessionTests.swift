import TestSupport
import Foundation
import Testing

/// `tfscript repl` with piped stdin: scripted sessions, values on stdout, errors on stderr.
/// In-process (``ReplTranscript``: the same parsing, session and loop as the binary); the
/// binary's own piped session is checked once, end to end, in ``ReplBinaryTests``.
struct ReplPipedSessionTests {
    func session(_ input: String, _ flags: [String] = []) async throws -> ReplTranscript {
        try await ReplTranscript.run(input, flags)
    }

    @Test("an expression line prints its value, without prompts")
    func expression() async throws {
        let result = try await session("1 + 1\n'a' .. 'b'\nmath.type(2^53)\n")
        #expect(result.status == 0)
        #expect(result.stdout == "2\n\"ab\"\n\"float\"\n")
        #expect(!result.stderr.contains(">"))
    }

    @Test("several results print on one line, tab separated, like lua -i")
    func severalResults() async throws {
        let result = try await session("1, nil, true, 2.5\n")
        #expect(result.stdout == "1\tnil\ttrue\t2.5\n")
    }

    @Test("statements run and keep their globals for later lines")
    func statements() async throws {
        let result = try await session("x = 41\nlocal unused = 1\nx + 1\n")
        #expect(result.status == 0)
        #expect(result.stdout == "42\n")
    }

    @Test("tables print with sorted keys, arrays as arrays and nested tables inline when short")
    func tables() async throws {
        let result = try await session("{b = 1, a = {1, 2, {x = 'y'}}, [10] = true, 'first'}\n")
        #expect(result.stdout == "{\"first\", [10] = true, a = {1, 2, {x = \"y\"}}, b = 1}\n")
    }

    @Test("a table that contains itself prints a cycle marker")
    func cycle() async throws {
        let result = try await session("t = {name = 'loop'}; t.self = t\nt\n")
        #expect(result.stdout == "{name = \"loop\", self = <cycle>}\n")
    }

    @Test("long tables are indented one entry per line and cut after the item limit")
    func longTable() async throws {
        let result = try await session("t = {} for i = 1, 300 do t['k' .. string.format('%03d', i)] = i end\nt\n")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "{")
        #expect(lines[1] == "  k001 = 1,")
        #expect(lines.contains("  ...(100 more)"))
        #expect(lines.last == "}")
    }

    @Test("printing never runs a throwing __index or __tostring")
    func hostileMetatable() async throws {
        let result = try await session("setmetatable({a = 1}, {__index = function() error('no') end, __tostring = function() error('no') end})\n")
        #expect(result.status == 0)
        #expect(result.stdout == "{a = 1}\n")
    }

    @Test("an unfinished function continues on the next lines")
    func multiLineFunction() async throws {
        let result = try await session("function double(n)\n  return n * 2\nend\ndouble(21)\n")
        #expect(result.status == 0)
        #expect(result.stdout == "42\n")
    }

    @Test("an unfinished table constructor and long string continue too")
    func multiLineTableAndString() async throws {
        let result = try await session("t = {\n  1,\n  2,\n}\n#t\ns = [[one\ntwo]]\ns\n{\n  k = 'v'\n}\n")
        #expect(result.stdout == "2\n\"one\\ntwo\"\n{k = \"v\"}\n")
    }

    @Test("an error prints on stderr, the session goes on, and the exit code is 1")
    func runtimeError() async throws {
        let result = try await session("error('boom')\n'still here'\n")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("stdin:1: boom"))
        #expect(result.stdout == "\"still here\"\n")
    }

    @Test("a syntax error names the line and does not end the session")
    func syntaxError() async throws {
        let result = try await session("x = = 1\n2\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("stdin:1:"))
        #expect(result.stdout == "2\n")
    }

    @Test("input ending inside a statement is reported as a syntax error")
    func unfinishedAtEnd() async throws {
        let result = try await session("function f()\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("'end' expected"))
    }

    @Test(":quit ends the session; later lines are not run")
    func quit() async throws {
        let result = try await session("1\n:quit\n2\n")
        #expect(result.status == 0)
        #expect(result.stdout == "1\n")
    }

    @Test(":help lists the commands on stderr; an unknown command is an error")
    func help() async throws {
        let result = try await session(":help\n:nope\n")
        #expect(result.stderr.contains(":dry-run on|off"))
        #expect(result.stderr.contains("unknown command ':nope'"))
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test("the sandbox applies: io and os.execute are not there")
    func sandbox() async throws {
        let result = try await session("io == nil, os.execute == nil, type(tf.endpoints.list)\n")
        #expect(result.stdout == "true\ttrue\t\"function\"\n")
    }

    @Test("tf.show prints an array of endpoints as an aligned table")
    func show() async throws {
        let result = try await session("tf.show(tf.endpoints.list{name = 'prod-*', region = 'eu-north1'}, {'name', 'region', 'state'})\n", ["--simulator"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            name               region     state
            -----------------  ---------  -------
            prod-chat          eu-north1  running
            prod-embed-search  eu-north1  running

            """)
    }

    @Test(":table shows the last result as a table with default columns")
    func tableCommand() async throws {
        let result = try await session("tf.endpoints.list{name = 'test-scratch'}\n:table\n", ["--simulator"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("name          endpoint_id  region    state") })
        #expect(lines.last?.hasPrefix("test-scratch  ep-demo-08   eu-west1  stopped") == true)
    }

    @Test(":dry-run on records changes instead of sending them; tf.dry_run follows; :plan shows them")
    func dryRunToggle() async throws {
        let result = try await session("""
            tf.dry_run
            :dry-run on
            tf.dry_run
            tf.endpoints.patch('ep-demo-01', {enabled = false}).enabled
            :plan
            :dry-run off
            tf.dry_run
            tf.endpoints.get('ep-demo-01').enabled

            """, ["--simulator"])
        #expect(result.status == 0)
        #expect(result.stdout == "false\ntrue\nfalse\nfalse\ntrue\n")
        #expect(result.stderr.contains("~ patch \"prod-chat\" (ep-demo-01)"))
        #expect(result.stderr.contains("Plan: 0 to create, 1 to change, 0 to delete."))
    }

    @Test("--dry-run starts the session recording; :dry-run off sends again")
    func dryRunFlag() async throws {
        let result = try await session("tf.dry_run\ntf.endpoints.delete('ep-demo-08')\n#tf.endpoints.list()\n:dry-run off\n#tf.endpoints.list()\n", ["--simulator", "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout == "true\ntrue\n11\n12\n")
    }

    @Test("--plan-out saves what the session recorded when it ends")
    func planOut() async throws {
        let planURL = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-repl-plan-\(UUID().uuidString).json")
        let result = try await session("tf.endpoints.delete('ep-demo-08')\n", ["--simulator", "--dry-run", "--plan-out", planURL.path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("Plan saved to \(planURL.path)"))
        let plan = try String(contentsOf: planURL, encoding: .utf8)
        #expect(plan.contains("\"kind\": \"delete\""))
        #expect(plan.contains("\"target\": \"ep-demo-08\""))
    }

    @Test(":plan FILE shows the plan and saves it for tfscript apply")
    func planToFile() async throws {
        let planURL = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-repl-plan-\(UUID().uuidString).json")
        let result = try await session("tf.endpoints.delete('ep-demo-08')\n:plan \(planURL.path)\n", ["--simulator", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("- delete \"test-scratch\" (ep-demo-08)"))
        #expect(result.stderr.contains("Plan saved to \(planURL.path). Apply it with: tfscript apply \(planURL.path)"))
        let plan = try String(contentsOf: planURL, encoding: .utf8)
        #expect(plan.contains("\"target\": \"ep-demo-08\""))
        let bad = try await session("tf.endpoints.delete('ep-demo-08')\n:plan /nonexistent/folder/plan.json\n", ["--simulator", "--dry-run"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("cannot write the plan to /nonexistent/folder/plan.json"))
    }

    @Test(":plan clear discards the recorded changes, and later reads see the API again; :plan ./clear is a file")
    func planClear() async throws {
        let result = try await session("""
            tf.endpoints.delete('ep-demo-08')
            #tf.endpoints.list()
            :plan clear
            #tf.endpoints.list()
            :plan
            :plan clear
            """, ["--simulator", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "true\n11\n12\n")
        #expect(result.stderr.contains("Plan cleared: 1 recorded change discarded (nothing was sent)"), "\(result.stderr)")
        #expect(result.stderr.contains("No changes."), "\(result.stderr)")
        #expect(result.stderr.contains("Nothing to clear: no change was recorded"))
        #expect(!result.stderr.contains("this session recorded"))
    }

    @Test("a command on a continuation line is refused clearly and the statement goes on; :quit there quits")
    func commandOnContinuationLine() async throws {
        let result = try await session("function f()\n:plan\nreturn 1 end\nf()\n", [])
        #expect(result.status == 1)
        #expect(result.stderr.contains(":plan is a REPL command, read at the start of a statement; the statement above is unfinished"), "\(result.stderr)")
        #expect(result.stdout == "1\n")
        let quit = try await session("function f()\n:quit\n'after'\n", [])
        #expect(quit.status == 0, "\(quit.stderr)")
        #expect(quit.stdout.isEmpty)
    }

    @Test("Lua's own goto labels are not taken for commands")
    func labelIsLua() async throws {
        let result = try await session("do goto skip; error('not skipped'); ::skip:: end\n'ok'\n")
        #expect(result.status == 0)
        #expect(result.stdout == "\"ok\"\n")
    }
}

/// Limits in a session apply per statement; hitting one ends that statement only.
struct ReplLimitTests {
    @Test("--timeout stops a runaway statement; the next one runs with a fresh clock")
    func timeoutPerStatement() async throws {
        let result = try await ReplTranscript.run("while true do end\n'next'\n", ["--timeout", "300ms"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("tfscript: timeout of 300ms exceeded"))
        #expect(result.stdout == "\"next\"\n")
    }
}

/// The binary's piped session end to end: stdin read line by line, values on the process's
/// stdout, errors on its stderr, the exit code from `main`.
struct ReplBinaryTests {
    @Test("tfscript repl < input: values on stdout, an error on stderr, the session goes on, exit code 1")
    func pipedProcess() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tfscript-repl-\(UUID().uuidString)")
        let result = try await TFScriptProcess.run(
            ["repl", "--simulator", "--dry-run"], stdin: "1 + 1\nerror('boom')\ntf.endpoints.delete('ep-demo-08')\n'still here'\n",
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "XDG_STATE_HOME": state.path])
        #expect(result.status == 1)
        #expect(result.stdout == "2\ntrue\n\"still here\"\n")
        #expect(result.stderr.contains("\nstdin:1: boom"), "\(result.stderr)")
        #expect(result.stderr.contains("this session recorded 1 change under dry-run and sent none; they were not saved (next time, :plan FILE before :quit saves them"))
    }
}
