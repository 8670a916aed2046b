internal import Foundation

/// Reads a file a user named (a plan, a fleet, a CA bundle, a profile, a journal, a token)
/// with a cap: at most `limit` + 1 bytes are read, so `/dev/zero`, a device or a file given by
/// mistake ends with a clear error instead of exhausting memory.
///
/// The file is read as a stream (`open` + `read`, no `fstat` size), so pipes and process
/// substitution (`<(…)`, `/dev/fd/N`) work like files. Shared by every module of the package
/// (`package`), never part of the public API.
package enum BoundedFile {
    /// Why a file could not be read; ``description`` is the part after "cannot read FILE: ".
    package enum Failure: Error, CustomStringConvertible {
        case notFound
        case folder
        case tooLarge(limit: Int)
        case notRegular
        case symbolicLink
        case system(String)

        package var description: String {
            switch self {
            case .notFound: "no such file"
            case .folder: "it is a folder, not a file"
            case .tooLarge(let limit): "it is larger than \(BoundedFile.format(limit))"
            case .notRegular: "it is not a regular file"
            case .symbolicLink: "it is a symbolic link, which tfscript does not follow for this file"
            case .system(let reason): reason
            }
        }
    }

    /// The whole file, at most `limit` bytes; with `regularOnly`, a symlink, a pipe or a device
    /// is refused before anything is read (for files tfscript also writes, like a journal, which
    /// it never opens through a symlink).
    package static func read(_ path: String, limit: Int, regularOnly: Bool = false) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regularOnly ? O_NOFOLLOW | O_NONBLOCK : 0))
        guard fd >= 0 else {
            let code = errno
            if regularOnly && code == ELOOP { throw .symbolicLink }
            throw code == ENOENT ? .notFound : code == EISDIR ? .folder : .system(String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw .folder }
        if regularOnly, info.st_mode & S_IFMT != S_IFREG { throw .notRegular }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= limit {
            let wanted = min(buffer.count, limit + 1 - bytes.count)
            let count = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, wanted) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .system(String(cString: strerror(errno))) }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        guard bytes.count <= limit else { throw .tooLarge(limit: limit) }
        return bytes
    }

    /// `64 KiB`, `32 MiB`.
    static func format(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }

    /// Caps per kind of file: far above any real one, far below what exhausts a machine.
    package static let planLimit = 256 << 20
    package static let journalLimit = 256 << 20
    package static let fleetLimit = 64 << 20
    package static let certificateLimit = 16 << 20
    package static let configurationLimit = 1 << 20
}
