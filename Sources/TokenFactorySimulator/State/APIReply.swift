internal import TFScriptJSON

/// What an API route answers, before faults and HTTP encoding.
///
/// Errors use one body shape everywhere:
/// `{"error": {"code": "not_found", "message": "...", "status": 404, "details": [{"field": ..., "message": ...}]}}`.
struct APIReply: Sendable {
    var status: Int
    var body: JSONValue?
    var headers: [(String, String)] = []

    static func ok(_ body: JSONValue, status: Int = 200) -> APIReply { APIReply(status: status, body: body) }

    static func error(_ status: Int, _ code: String, _ message: String, details: [JSONValue] = []) -> APIReply {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message), "status": .integer(Int64(status))]
        if !details.isEmpty { error["details"] = .array(details) }
        return APIReply(status: status, body: ["error": .object(error)])
    }

    static func notFound(_ id: String) -> APIReply {
        .error(404, "not_found", "dedicated endpoint \(id) not found")
    }
}
