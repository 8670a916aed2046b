internal import Hummingbird
internal import NIOCore

/// Per-request context: Hummingbird's core storage plus the fault chosen for this request, which
/// the middleware picks and the route applies to its response after doing the real work.
struct SimulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// A fault that spoils the response (drop, malformed, truncated, large), if any.
    var spoiler: Fault?
    /// `"2"` for a request that came as an HTTP/2 stream, `"1.1"` otherwise (the request log's
    /// ``RecordedRequest/httpVersion``).
    let httpVersion: String

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.spoiler = nil
        self.httpVersion = Self.httpVersion(of: source.channel)
    }

    /// The HTTP version a request arrived over, told by the channel that carries it: an HTTP/1
    /// request is read straight from the accepted connection (whose parent is the listening
    /// socket, which has none), an HTTP/2 request from a stream channel multiplexed inside that
    /// connection (a parent with a parent). Hummingbird hands both over as the same `Request`.
    static func httpVersion(of channel: any Channel) -> String {
        channel.parent?.parent == nil ? "1.1" : "2"
    }
}
