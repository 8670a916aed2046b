import TFScript
import TFScriptJSON
import TFScriptLuaHost

/// What `tfscript --version` says: the release, where the binary came from, and how Lua and the
/// Swift runtime are linked, as text for people or as JSON (`-o json`) for tools.
///
/// Bug reports and support need the commit and the Lua in use; an image or a package check
/// needs to know whether the binary depends on shared Swift libraries.
struct VersionReport: Sendable {
    /// How a library is linked into the running binary.
    enum Linkage: String, Sendable {
        case `static`, shared, unknown
    }

    var version: String
    var stamp: BuildStamp?
    var luaRelease: String
    var lua: Linkage
    var swiftRuntime: Linkage

    /// This process's report.
    static func current() -> VersionReport {
        let loaded = LoadedLibraries.paths()
        return VersionReport(
            version: ScriptEngine.version, stamp: BuildStamp.current, luaRelease: LuaRelease.text,
            lua: linkage(in: loaded, prefix: "liblua"), swiftRuntime: linkage(in: loaded, prefix: "libswiftCore"))
    }

    /// Shared when the loader mapped a library whose file name starts with `prefix`.
    static func linkage(in loaded: [String]?, prefix: String) -> Linkage {
        guard let loaded else { return .unknown }
        let names = loaded.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        return names.contains { $0.hasPrefix(prefix) && $0.contains(".so") } ? .shared : .static
    }

    var text: String {
        let none = "none (not built by scripts/build-release)"
        return """
            tfscript \(version)
            commit:   \(stamp?.commit ?? none)
            built:    \(stamp.map { "\($0.date) (the commit's date)" } ?? none)
            compiler: \(stamp?.compiler ?? none)
            lua:      \(luaRelease), linked \(phrase(lua))
            runtime:  Swift runtime and Foundation linked \(phrase(swiftRuntime))

            """
    }

    var json: JSONValue {
        .object([
            "version": .string(version),
            "commit": stamp.map { .string($0.commit) } ?? .null,
            "build_date": stamp.map { .string($0.date) } ?? .null,
            "compiler": stamp.map { .string($0.compiler) } ?? .null,
            "lua": .object(["release": .string(luaRelease), "linkage": .string(lua.rawValue)]),
            "swift_runtime": .object(["linkage": .string(swiftRuntime.rawValue)]),
        ])
    }

    private func phrase(_ linkage: Linkage) -> String {
        switch linkage {
        case .static: "statically"
        case .shared: "as a shared library"
        case .unknown: "(unknown on this system)"
        }
    }
}
