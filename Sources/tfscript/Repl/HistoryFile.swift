import Foundation

/// Where the REPL keeps its history: `$XDG_STATE_HOME/tfscript/history`, by default
/// `~/.local/state/tfscript/history` (XDG Base Directory: history is state, not configuration
/// or cache). Bounded to ``maxEntries`` lines.
enum HistoryFile {
    static let maxEntries = 1000

    /// The history path for this environment, or nil when neither `XDG_STATE_HOME` nor `HOME`
    /// is set (then history lasts for the session only).
    static func path(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/tfscript/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/tfscript/history"
    }

    /// Creates the history's folder (mode 0700: history may hold endpoint names and ids).
    /// Returns false when it cannot, or when the history path is a symlink or not a regular
    /// file (libedit writes it with `fopen`, which would follow the link and truncate its
    /// target), so the session goes on without saving history.
    static func prepareFolder(for path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return false
        }
        var info = stat()
        if lstat(path, &info) == 0 { return info.st_mode & S_IFMT == S_IFREG }
        return errno == ENOENT
    }
}
