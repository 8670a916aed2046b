import TFScriptJSON
import TokenFactory
import TFScriptRuntime
import Foundation
import TFScript

/// Where `tfscript run` takes its script from: a file, `-` (stdin) or `-e CHUNK`.
///
/// Named in messages as `lua5.4` names them: `stdin:1:` and `(command line):1:`. Such a
/// script has no folder of its own, so `require` looks in the current directory (then the
/// `--lib-path` folders), as `lua` does.
struct ScriptInput {
    var source: ScriptSource
    /// The script's `arg[1…]` and `...`.
    var arguments: [String]
    /// Whether `require` should search the current directory first.
    var requiresFromCurrentDirectory: Bool
    /// A folder `require` must search first that the source does not carry (the folder of a
    /// script whose file name is not UTF-8, read as bytes).
    var scriptFolder: String? = nil

    /// The chunk names of the scripts that are not files.
    static let standardInputName = "stdin"
    static let commandLineName = "(command line)"
    /// The largest script read from stdin (the sandbox's limit for any source).
    static let maxStandardInputBytes = ScriptRunner.maxSourceBytes

    /// - Parameters:
    ///   - script: the first positional argument (a path, `-`, or with `-e` the chunk's first argument).
    ///   - chunk: the `-e` text; every positional argument is then the chunk's.
    static func resolve(script: String?, chunk: String?, arguments: [String]) throws -> ScriptInput {
        if let chunk {
            let arguments = (script.map { [$0] } ?? []) + arguments
            let bytes = ScriptArgumentSplit.rawChunk(chunk, before: arguments) ?? Array(chunk.utf8)
            return ScriptInput(
                source: .bytes(bytes, name: commandLineName),
                arguments: arguments, requiresFromCurrentDirectory: true)
        }
        guard let script else {
            throw CommandFailure(exitCode: 2, message: "no script: give a SCRIPT.lua, - to read the script from stdin, or -e 'LUA CODE'")
        }
        if script == "-" {
            return ScriptInput(source: .bytes(try readStandardInput(), name: standardInputName), arguments: arguments, requiresFromCurrentDirectory: true)
        }
        if let raw = ScriptArgumentSplit.rawScriptPath(script, followedBy: arguments) {
            // A file name that is not UTF-8: read through its bytes (a String cannot name it).
            // `require` then searches the script's folder through --lib-path, when that
            // folder's own name is UTF-8 (the usual case: only the file name is Latin-1).
            let source: [UInt8]
            do { source = try ScriptRunner.readScript(pathBytes: raw, shown: script) } catch {
                throw CommandFailure(exitCode: 2, message: "\(error)")
            }
            let folder = URL(fileURLWithPath: script).deletingLastPathComponent().path
            return ScriptInput(
                source: .bytes(source, name: script), arguments: arguments, requiresFromCurrentDirectory: false,
                scriptFolder: folder.contains("\u{FFFD}") ? nil : folder)
        }
        return ScriptInput(source: .file(script), arguments: arguments, requiresFromCurrentDirectory: false)
    }

    /// The script on stdin, as bytes: Lua source is bytes, and a string literal that is not
    /// UTF-8 must reach the script unchanged, as with `lua5.4 -`.
    private static func readStandardInput() throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw CommandFailure(exitCode: 2, message: "cannot read the script from stdin: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            if bytes.count > maxStandardInputBytes {
                throw CommandFailure(exitCode: 2, message: "the script on stdin is larger than \(maxStandardInputBytes >> 20) MiB")
            }
        }
        return bytes
    }
}
