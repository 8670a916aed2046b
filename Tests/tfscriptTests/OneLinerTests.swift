import TestSupport
import Foundation
import TFScriptJSON
import Testing

/// `tfscript run -e CHUNK`, `tfscript run -` (stdin), `-o json|table` and `tf.show` through
/// the binary: results people can read and tools can parse.
@Suite(.serialized)
struct OneLinerTests {
    @Test("-o json -e prints what the chunk returns as one JSON document, and nothing else on stdout")
    func jsonOneLiner() async throws {
        let result = try await TFScriptProcess.run(["run", "--simulator", "-o", "json", "-e", #"return tf.endpoints.list{region="eu-west1"}"#])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONValue(parsing: result.stdout)
        #expect(document.arrayValue?.compactMap { $0["name"]?.stringValue } == ["prod-reasoning", "staging-reasoning", "test-qwen-ci", "test-scratch"])
        #expect(document.arrayValue?.allSatisfy { $0["region"] == "eu-west1" } == true)
    }

    @Test("-o json: several values are an array, none is null, after what the script printed")
    func jsonShapes() async throws {
        let several = try await TFScriptProcess.run(["run", "-o", "json", "-e", "print('hi') return 1, 'two', {ok = true}"])
        #expect(several.status == 0, "\(several.stderr)")
        // Piped, JSON is one line (a log stays one record per line); on a terminal it is indented.
        #expect(several.stdout == "hi\n[1,\"two\",{\"ok\":true}]\n")
        let none = try await TFScriptProcess.run(["run", "-o", "json", "-e", "local x = 1"])
        #expect(none.stdout == "null\n")
    }

    @Test("-o json refuses a value JSON cannot hold, saying where (exit 1)")
    func jsonRefused() async throws {
        let result = try await TFScriptProcess.run(["run", "-o", "json", "-e", "return {name = 'x', run = print}"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "tfscript: -o json: result.run is a function, which has no JSON form; return tables, strings, numbers and booleans only\n")
    }

    @Test("-o table --columns lays out the returned records in the chosen order, nested paths allowed")
    func table() async throws {
        let result = try await TFScriptProcess.run([
            "run", "--simulator", "-o", "table", "--columns", "name, scaling.max_replicas,state",
            "-e", #"return tf.endpoints.list{name = "test-us-*"}"#,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            name           scaling.max_replicas  state
            -------------  --------------------  -------
            test-us-batch  2                     running
            test-us-load   4                     running

            """)
    }

    @Test("-o table refuses what is not records (exit 1)", arguments: [
        (["-o", "table", "-e", "return 42"], "tfscript: -o table: the script's result: expected an array of records (tables with named fields), got a number\n"),
        (["-o", "table", "-e", "local x = 1"], "tfscript: -o table: the script returned nothing; end it with a return of records (return tf.endpoints.list())\n"),
    ])
    func tableRefused(flags: [String], message: String) async throws {
        let result = try await TFScriptProcess.run(["run"] + flags)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("--columns needs a table, and -o takes json, jsonl, table, wide or none only (usage errors, exit 2)", arguments: [
        (["--columns", "name", "-e", "return {}"], "--columns chooses the columns of a table; add -o table or -o wide"),
        (["-o", "json", "--columns", "name", "-e", "return {}"], "--columns chooses the columns of a table"),
        (["-o", "table", "--columns", "name,:x", "-e", "return {}"], "each optionally HEADING:path"),
        (["-o", "yaml", "-e", "return {}"], "yaml"),
    ])
    func outputUsage(flags: [String], message: String) throws {
        let result = try #require(ParsedCommandLine.earlyExit(["run"] + flags))
        #expect(result.status == 2)
        #expect(result.message.contains(message), "\(result.message)")
    }

    @Test("-e and - name their chunks as lua5.4 does, and get their arguments as arg and ...")
    func chunkNames() async throws {
        let chunk = try await TFScriptProcess.run(["run", "-e", "print(arg[0], ...) error('boom')", "a", "b"])
        #expect(chunk.status == 1)
        #expect(chunk.stdout == "(command line)\ta\tb\n")
        #expect(chunk.stderr.hasPrefix("(command line):1: boom\nstack traceback:"))
        let stdin = try await TFScriptProcess.run(["run", "-", "x"], stdin: "#!/usr/bin/env tfscript\nprint(...)\nerror('boom')\n")
        #expect(stdin.status == 1)
        #expect(stdin.stdout == "x\n")
        #expect(stdin.stderr.hasPrefix("stdin:3: boom\n"))
    }

    @Test("require from -e and stdin looks in the current directory")
    func requireFromCurrentDirectory() async throws {
        let module = try TFScriptProcess.writeTemporaryFile(named: "helper.lua", contents: "return {x = 'found'}")
        let folder = module.deletingLastPathComponent()
        let chunk = try await TFScriptProcess.run(["run", "-e", "print(require('helper').x)"], currentDirectory: folder)
        #expect(chunk.stdout == "found\n", "\(chunk.stderr)")
        let stdin = try await TFScriptProcess.run(["run", "-"], stdin: "print(require('helper').x)", currentDirectory: folder)
        #expect(stdin.stdout == "found\n", "\(stdin.stderr)")
    }

    @Test("no script at all is a usage error that says what to give")
    func noScript() async throws {
        let result = try await TFScriptProcess.run(["run"])
        #expect(result.status == 2)
        #expect(result.stderr == "tfscript: no script: give a SCRIPT.lua, - to read the script from stdin, or -e 'LUA CODE'\n")
    }

    @Test("tf.show works in run, not only in the REPL")
    func showInRun() async throws {
        let result = try await TFScriptProcess.run(["run", "--simulator", "-"], stdin: #"tf.show(tf.endpoints.list{name = "staging-*"}, {"name", "region"})"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            name               region
            -----------------  -----------
            staging-chat       eu-north1
            staging-reasoning  eu-west1
            staging-us-llama   us-central1

            """)
    }
}
