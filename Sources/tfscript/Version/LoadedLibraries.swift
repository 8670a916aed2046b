import Foundation

/// The files the dynamic loader mapped into this process, by path.
///
/// `tfscript --version` tells from them whether Lua and the Swift runtime are linked statically:
/// a static copy leaves no `liblua5.4.so` or `libswiftCore.so` mapped. Asking the running process
/// is the only answer that cannot drift from how the binary was really linked.
enum LoadedLibraries {
    /// The mapped files of `/proc/self/maps`, or nil where there is no such file (not Linux).
    static func paths() -> [String]? {
        guard let maps = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        defer { try? maps.close() }
        let text = String(decoding: maps.readDataToEndOfFile(), as: UTF8.self)
        // address perms offset dev inode path: the path is the sixth field, when there is one.
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { return nil }
            let path = fields[5].trimmingCharacters(in: .whitespaces)
            return path.hasPrefix("/") ? path : nil
        }
    }
}
