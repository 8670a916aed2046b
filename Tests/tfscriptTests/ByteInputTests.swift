import Foundation
import TFScriptJSON
import Testing
import TestSupport

/// Scripts, arguments and files are bytes, as `lua5.4` treats them: compared with stock
/// `lua5.4` on the same input (run through bash, so bytes that are not UTF-8 can be passed).
@Suite
struct ByteInputTests {
    static let bash = URL(fileURLWithPath: "/bin/bash")
    static let lua = "/usr/bin/lua5.4"

    /// Runs `command` in bash with `$T` = tfscript and `$L` = stock lua5.4.
    static func shell(_ command: String, environment: [String: String] = TFScriptProcess.baseEnvironment) async throws -> TFScriptProcess.Result {
        try await TFScriptProcess.run(
            ["-c", "T=\"$0\"; L=\"$1\"; " + command, TFScriptProcess.binaryURL.path, lua], environment: environment, executable: bash)
    }

    /// Prints every argument's bytes (and `arg[0]`'s length): identical in both interpreters.
    static let byteDump = "for i = 1, select('#', ...) do print(i, string.byte(select(i, ...), 1, -1)) end print(#arg)"

    @Test("a UTF-8 byte order mark at the start of a script file or of stdin is skipped, as lua5.4 does")
    func byteOrderMark() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-bytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data([0xEF, 0xBB, 0xBF] + Array("print('bom', 1)\nerror('line 2')\n".utf8)).write(to: URL(fileURLWithPath: folder + "/bom.lua"))
        try Data([0xEF, 0xBB, 0xBF] + Array("#!/usr/bin/env tfscript\nprint('bom and shebang')\n".utf8)).write(to: URL(fileURLWithPath: folder + "/shebang.lua"))
        try Data([0xEF, 0xBB, 0xBF] + Array("return {v = 'module with bom'}\n".utf8)).write(to: URL(fileURLWithPath: folder + "/mod.lua"))
        try Data("print(require('mod').v)\n".utf8).write(to: URL(fileURLWithPath: folder + "/main.lua"))
        for name in ["bom.lua", "shebang.lua"] {
            let ours = try await Self.shell("cd '\(folder)' && \"$T\" run \(name)")
            let stock = try await Self.shell("cd '\(folder)' && \"$L\" \(name)")
            #expect(ours.stdout == stock.stdout, "\(ours.stderr)")
            // Line numbers count from the mark's line, as in lua5.4.
            #expect(stock.stderr.contains("\(name):2: line 2") == ours.stderr.hasPrefix("\(name):2: line 2"), "\(ours.stderr) vs \(stock.stderr)")
        }
        #expect(try await Self.shell("cd '\(folder)' && \"$T\" run bom.lua").stdout == "bom\t1\n")
        let stdin = try await Self.shell("cd '\(folder)' && \"$T\" run - < shebang.lua")
        #expect(stdin.status == 0, "\(stdin.stderr)")
        #expect(stdin.stdout == "bom and shebang\n")
        let module = try await Self.shell("cd '\(folder)' && \"$T\" run main.lua")
        #expect(module.stdout == "module with bom\n", "\(module.stderr)")
    }

    @Test("script arguments that are not UTF-8 reach arg and ... byte for byte, as with lua5.4")
    func nonUTF8Arguments() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "bytes.lua", contents: Self.byteDump).path
        let arguments = #"$'\xff\xfe' $'caf\xe9' $'\xc3' 'é' '' $'a\x01b'"#
        let ours = try await Self.shell("\"$T\" run '\(script)' \(arguments)")
        let stock = try await Self.shell("\"$L\" '\(script)' \(arguments)")
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == stock.stdout)
        #expect(ours.stdout.hasPrefix("1\t255\t254\n"), "\(ours.stdout)")
        // A separating -- (dropped) before or among them changes nothing about their bytes.
        let separated = try await Self.shell("\"$T\" run '\(script)' -- \(arguments)")
        #expect(separated.stdout == stock.stdout, "\(separated.stderr)")
        let among = try await Self.shell("\"$T\" run '\(script)' $'\\xff\\xfe' -- $'caf\\xe9' $'\\xc3' 'é' '' $'a\\x01b'")
        #expect(among.stdout == stock.stdout, "\(among.stderr)")
        let chunk = try await Self.shell(#""$T" run -e "print(#arg[1], #arg[2])" $'\xff' $'\xe9t\xe9'"#)
        #expect(chunk.stdout == "1\t3\n", "\(chunk.stderr)")
        let literal = #"-e $'print(string.byte("\xff\xe9", 1, -1))'"#
        let ours2 = try await Self.shell("\"$T\" run \(literal)")
        let stock2 = try await Self.shell("\"$L\" \(literal)")
        #expect(ours2.stdout == "255\t233\n", "\(ours2.stderr)")
        #expect(ours2.stdout == stock2.stdout)
    }

    @Test("a script whose file name is not UTF-8 runs, and finds modules next to it, as with lua5.4")
    func nonUTF8ScriptPath() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf-bytes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("return 'module'".utf8).write(to: URL(fileURLWithPath: folder + "/mod.lua"))
        let create = try await Self.shell("printf 'print(require(\"mod\"), ...)' > '\(folder)/'$'caf\\xe9.lua'")
        #expect(create.status == 0, "\(create.stderr)")
        let ours = try await Self.shell("cd '\(folder)' && \"$T\" run $'caf\\xe9.lua' x")
        let stock = try await Self.shell("cd '\(folder)' && \"$L\" $'caf\\xe9.lua' x")
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == "module\tx\n")
        #expect(ours.stdout == stock.stdout)
        for separated in ["-- x", "x --", "--"] {
            let result = try await Self.shell("cd '\(folder)' && \"$T\" run $'caf\\xe9.lua' \(separated)")
            #expect(result.status == 0, "\(separated): \(result.stderr)")
            #expect(result.stdout == (separated == "--" ? "module\n" : "module\tx\n"), "\(separated)")
        }
    }

    @Test("a script on stdin keeps bytes that are not UTF-8 in its string literals, as with lua5.4 -")
    func nonUTF8Stdin() async throws {
        let source = #"printf 'print(string.byte("\xff\xe9", 1, -1))\n'"#
        let ours = try await Self.shell(source + " | \"$T\" run -")
        let stock = try await Self.shell(source + " | \"$L\" -")
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == "255\t233\n")
        #expect(ours.stdout == stock.stdout)
    }

    @Test("--token-file reads a pipe (process substitution, /dev/stdin)")
    func tokenFromPipe() async throws {
        let api = try await SimulatedAPI.start()
        defer { Task { await api.stop() } }
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(#tf.endpoints.list() > 0)").path
        let environment = TFScriptProcess.baseEnvironment.merging(["TOKEN": api.token]) { _, new in new }
        for command in [
            "\"$T\" run --base-url \(api.baseURL) --token-file <(printf '%s\\n' \"$TOKEN\") '\(script)'",
            "printf '%s' \"$TOKEN\" | \"$T\" run --base-url \(api.baseURL) --token-file /dev/stdin '\(script)'",
        ] {
            let result = try await Self.shell(command, environment: environment)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stdout == "true\n")
        }
    }

    @Test("a token file that is a folder says so")
    func tokenFileFolder() async throws {
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(1)")
        let folder = script.deletingLastPathComponent().path
        let result = try await TFScriptProcess.run(["run", "--token-file", folder, script.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("cannot read token file \(folder): it is a folder, not a file"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test("a malformed base URL (text after an IPv6 literal, a bad host or port) is a usage error before anything is sent",
          arguments: ["http://[::1]evil.example", "http://[::1]evil.example:80", "http://[::1x]:80", "http://127.0.0.1:+80",
                      "https://exa mple.com", "https://ex%61mple.com", "http://[::1]:80:81", "https://host:"])
    func malformedBaseURL(_ url: String) async throws {
        let server = try FaultServer { _, _ in .json(200, .array([])) }
        defer { server.stop() }
        let script = try TFScriptProcess.writeTemporaryFile(named: "s.lua", contents: "print(pcall(tf.endpoints.list))")
        let result = try await TFScriptProcess.run(["run", "--base-url", url, script.path], environment: FaultRig.environment())
        #expect(result.status == 2, "\(url): \(result.stderr)")
        #expect(result.stderr.contains("base URL"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.contains("retry"), "\(result.stderr)")
    }
}
