import Foundation

/// Writes files only their owner can read (0600), atomically: a temporary file in the same
/// folder, fsync'd, then renamed over the target. Plans hold a fleet's configuration and
/// anything the server echoed; they must not be world-readable whatever the umask.
///
/// The temporary is made like `mkstemp` does (a random name, `O_CREAT | O_EXCL`, mode 0600), so
/// nothing planted at a guessable name (a symlink, a file another user owns) is ever opened,
/// written or chmod-ed. A target that is a symlink is refused: `rename` would replace the link
/// rather than write where it points, which is never what the user meant.
enum PrivateFile {
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                throw WriteError(description: "it is a symbolic link; tfscript does not write through one. Give the real path, or remove the link")
            }
            if info.st_mode & S_IFMT != S_IFREG {
                throw WriteError(description: "it exists and is not a regular file")
            }
        }
        let (fd, temporary) = try createTemporary(besides: path)
        var ok = true
        var offset = 0
        while ok && offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { ok = false } else { offset += written }
        }
        ok = ok && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let failure = ok ? String(cString: strerror(errno)) : reason
            unlink(temporary)
            throw WriteError(description: failure)
        }
    }

    /// A new, empty, 0600 file `.NAME.XXXXXX` in `path`'s folder, created exclusively
    /// (`mkstemp`); the caller owns the descriptor.
    private static func createTemporary(besides path: String) throws -> (Int32, String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(description: String(cString: strerror(errno))) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
}
