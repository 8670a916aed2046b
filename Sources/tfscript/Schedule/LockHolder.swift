import Foundation
import TFScriptLuaHost

/// Who holds a `flock` lock, read from the kernel rather than from the lock file.
///
/// The lock file is never written (it may be the script itself), so the holder is looked up in
/// `/proc/locks`, which lists every `flock` lock with the pid that took it and the locked
/// file's `MAJOR:MINOR:INODE`; `/proc/PID` then gives the holder's start time and command line.
/// Everything here is best effort: without `/proc` (or when the holder is in another pid
/// namespace, where the kernel shows no pid) the message says "holder unknown".
enum LockHolder {
    /// `pid N since TIME: COMMAND` for the process holding a lock on the file open at `fd`.
    static func find(lockedFile fd: Int32) -> String? {
        var info = stat()
        guard fstat(fd, &info) == 0, let table = read("/proc/locks", limit: 4 << 20) else { return nil }
        let device = UInt64(info.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~UInt64(0xfff))
        let minor = (device & 0xff) | ((device >> 12) & ~UInt64(0xff))
        let key = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(info.st_ino))
        for line in table.split(separator: "\n") {
            // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:16220394 0 EOF" (blocked waiters start "1: -> FLOCK").
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", fields[5] == key, let pid = Int32(fields[4]), pid > 0 else { continue }
            return describe(pid)
        }
        return nil
    }

    /// `pid N since TIME: COMMAND`, with whatever of the time and command `/proc` still shows.
    static func describe(_ pid: Int32) -> String {
        var text = "pid \(pid)"
        if let started = startTime(pid) { text += " since \(started.formatted(.iso8601))" }
        if let command = commandLine(pid) { text += ": \(command)" }
        return text
    }

    /// When the process started: field 22 of `/proc/PID/stat` (clock ticks after boot) plus
    /// the boot time from `/proc/stat`.
    private static func startTime(_ pid: Int32) -> Date? {
        guard let stat = read("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command's closing parenthesis come fields 3, 4, ...; field 22 is index 19.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]),
              let system = read("/proc/stat", limit: 1 << 20),
              let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(bootLine.dropFirst(6)) else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hertz > 0 else { return nil }
        return Date(timeIntervalSince1970: (boot + ticks / hertz).rounded())
    }

    /// The holder's command line, arguments separated by spaces, control characters escaped
    /// and cut at 200 characters (it is for recognising the job, not for copying).
    private static func commandLine(_ pid: Int32) -> String? {
        guard let data = readBytes("/proc/\(pid)/cmdline", limit: 4096), !data.isEmpty else { return nil }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        var command = DisplayText.escapingControlCharacters(words.joined(separator: " "))
        if command.count > 200 { command = String(command.prefix(200)) + "…" }
        return command
    }

    /// A `/proc` file's text (they report size 0, so read until the end), at most `limit` bytes.
    private static func read(_ path: String, limit: Int = 64 << 10) -> String? {
        readBytes(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func readBytes(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, min($0.count, limit - bytes.count)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return bytes
    }
}
