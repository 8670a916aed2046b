internal import HTTPTypes
internal import Hummingbird
internal import TFScriptJSON

/// The error thrown mid-body to make the server close the connection (the `drop` fault).
struct DroppedConnection: Error {}

extension APIReply {
    /// The HTTP response for this reply, spoiled by `fault` when one applies.
    func response(spoiledBy fault: Fault? = nil) -> Response {
        var bytes = body?.serializedBytes() ?? []
        var headers = HTTPFields()
        if body != nil { headers[.contentType] = "application/json" }
        for (name, value) in self.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let status = HTTPResponse.Status(code: self.status)
        switch fault?.action {
        case .drop:
            let declared = max(bytes.count, 64)
            let half = Array(bytes.prefix(bytes.count / 2))
            let body = ResponseBody(contentLength: declared) { writer in
                try await writer.write(ByteBuffer(bytes: half))
                throw DroppedConnection()
            }
            headers[.contentType] = "application/json"
            return Response(status: status, headers: headers, body: body)
        case .malformed:
            bytes = Array(#"{"endpoints": [{"endpoint_id": "ep-1",, oops}"#.utf8)
            headers[.contentType] = "application/json"
        case .truncated:
            bytes = Array(bytes.prefix(bytes.count / 2))
        case .large(let size):
            bytes = Self.padded(bytes, by: size)
            headers[.contentType] = "application/json"
        default:
            break
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Adds a `_padding` string field of `size` bytes to an object body (whitespace otherwise),
    /// keeping the body valid JSON.
    static func padded(_ bytes: [UInt8], by size: Int) -> [UInt8] {
        guard bytes.last == UInt8(ascii: "}") else {
            return bytes + [UInt8](repeating: UInt8(ascii: " "), count: size)
        }
        var result = Array(bytes.dropLast())
        if result != [UInt8(ascii: "{")] { result.append(UInt8(ascii: ",")) }
        result += Array(#""_padding":""#.utf8)
        result += [UInt8](repeating: UInt8(ascii: "x"), count: size)
        result += Array(#""}"#.utf8)
        return result
    }

    static func parseBody(_ buffer: ByteBuffer) -> (JSONValue?, String?) {
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { return (nil, nil) }
        if let value = try? JSONValue(parsing: bytes) { return (value, nil) }
        return (nil, String(decoding: bytes.prefix(4096), as: UTF8.self))
    }
}
