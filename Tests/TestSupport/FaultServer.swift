import Foundation
public import TFScriptJSON
import Synchronization

/// A tiny HTTP/1.1 server on loopback, written with plain POSIX sockets for the fault tests.
///
/// It shares no code with the client or the simulator, so it can misbehave in ways they never
/// would: drip a body, close after "applying" a change, echo the token in odd encodings, answer
/// with absurd numbers. Each connection serves one request (`Connection: close`). Every request
/// is logged (method, path, headers, body, time) before the handler decides what to do.
public final class FaultServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]
        public var receivedAt: ContinuousClock.Instant
        /// When the server saw the client close the connection (set for drips and stalls).
        public var clientClosedAt: ContinuousClock.Instant?
        public var json: JSONValue? { try? JSONValue(parsing: body) }
        public var line: String { "\(method) \(path)" }
    }

    /// What to do with one request.
    public enum Action: Sendable {
        /// Answer with this status, extra headers and body.
        case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
        /// Send the head (with the full Content-Length), then the body one byte per `interval`.
        case drip(status: Int, body: [UInt8], interval: Duration)
        /// Read the request, then close without answering (a lost answer).
        case close
        /// Never answer; hold the connection until the client gives up.
        case stall
        /// Run `before` (e.g. kill the client), then act.
        indirect case after(@Sendable () -> Void, Action)

        public static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> Action {
            .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: value.serializedBytes())
        }
    }

    public typealias Handler = @Sendable (_ request: Request, _ index: Int) -> Action

    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let state = Mutex<(log: [Request], stopped: Bool)>(([], false))

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public init(_ handler: @escaping Handler) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 128) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = fd
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Every request received so far, in arrival order.
    public var log: [Request] { state.withLock { $0.log } }
    public var lines: [String] { log.map(\.line) }
    public var isStopped: Bool { state.withLock { $0.stopped } }

    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        guard var request = readRequest(fd) else { return }
        let index = state.withLock { state -> Int in
            state.log.append(request)
            return state.log.count - 1
        }
        var action = handler(request, index)
        while case .after(let before, let next) = action {
            before()
            action = next
        }
        switch action {
        case .respond(let status, let headers, let body):
            sendAll(fd, head(status: status, headers: headers, length: body.count) + body)
        case .drip(let status, let body, let interval):
            sendAll(fd, head(status: status, headers: [("Content-Type", "application/json")], length: body.count))
            for byte in body {
                if clientClosed(fd, waiting: interval) || !sendAll(fd, [byte]) { break }
            }
            request.clientClosedAt = waitForClose(fd)
            record(request, at: index)
        case .close:
            return
        case .stall:
            request.clientClosedAt = waitForClose(fd)
            record(request, at: index)
        case .after:
            return
        }
    }

    private func record(_ request: Request, at index: Int) {
        state.withLock { $0.log[index] = request }
    }

    /// Waits up to 30 s for the client to close; returns when it did (nil when it never did).
    private func waitForClose(_ fd: Int32) -> ContinuousClock.Instant? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(30), !isStopped {
            if clientClosed(fd, waiting: .milliseconds(20)) { return ContinuousClock.now }
        }
        return nil
    }

    /// Whether the peer closed (or reset) the connection, waiting up to `waiting` to see.
    private func clientClosed(_ fd: Int32, waiting: Duration) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(waiting.components.seconds * 1000 + waiting.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK)) <= 0
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { buffer[$0..<($0 + 4)].elementsEqual(separator) }
            }
        }
        let headText = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(headEnd! + 4)...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < length {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            body.append(contentsOf: chunk[0..<count])
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body, receivedAt: .now)
    }

    private func head(status: Int, headers: [(String, String)], length: Int) -> [UInt8] {
        var text = "HTTP/1.1 \(status) Status\r\n"
        var hasLength = false
        for (name, value) in headers {
            text += "\(name): \(value)\r\n"
            if name.lowercased() == "content-length" { hasLength = true }
        }
        if !hasLength { text += "Content-Length: \(length)\r\n" }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    @discardableResult
    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }
}

/// Byte-level search: `String.contains` compares grapheme clusters and would miss a token
/// followed by a combining mark, which is exactly the leak these tests look for.
public func containsBytes(_ haystack: some Sequence<UInt8>, _ needle: some Sequence<UInt8>) -> Bool {
    let hay = Array(haystack), pin = Array(needle)
    guard !pin.isEmpty, hay.count >= pin.count else { return pin.isEmpty }
    return (0...(hay.count - pin.count)).contains { hay[$0..<($0 + pin.count)].elementsEqual(pin) }
}
