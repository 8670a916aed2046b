internal import Foundation
internal import Hummingbird

/// In front of every API route: records the request, applies latency and faults, checks the
/// bearer token. Control routes (`/_simulator/...`) pass straight through, unrecorded.
struct SimulatorMiddleware: RouterMiddleware {
    typealias Context = SimulatorContext
    let state: SimulatorState
    let token: String
    static let maxBodyBytes = 16 << 20

    func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = input.uri.path
        if path.hasPrefix("/_simulator") { return try await next(input, context) }
        var request = input
        let arrived = Date()
        let arrivedAt = ContinuousClock.now
        let method = request.method.rawValue
        let buffer = try await request.collectBody(upTo: Self.maxBodyBytes)
        let (body, bodyText) = APIReply.parseBody(buffer)
        let authorized = request.headers[.authorization] == "Bearer \(token)"

        let (latency, fault) = await state.takeFaults(method: method, path: path)
        // Counted from arrival, so reading the body and picking faults do not add to it.
        if latency > .zero { try await Task.sleep(until: arrivedAt.advanced(by: latency), clock: .continuous) }

        var context = context
        let response: Response
        if let fault, case .status(let code, let retryAfter) = fault.action {
            var reply = APIReply.error(code, code == 429 ? "resource_exhausted" : "unavailable", code == 429 ? "too many requests (simulated)" : "simulated failure \(code)")
            if let retryAfter { reply.headers.append(("Retry-After", retryAfter)) }
            response = reply.response()
        } else if !authorized {
            response = APIReply.error(401, "unauthenticated", "missing or invalid bearer token; send Authorization: Bearer <token>").response()
        } else {
            context.spoiler = fault?.spoilsResponse == true ? fault : nil
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                let code = Int(error.status.code)
                response = APIReply.error(code, code == 404 ? "not_found" : "error", code == 404 ? "no route for \(method) \(path)" : "\(error)").response()
            }
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let latencyNote = latency > .zero ? "latency=\(Fault.milliseconds(latency))ms" : nil
        let faultNote = [latencyNote, fault.map { Fault(method: $0.method, path: $0.path, action: $0.action).description }].compactMap { $0 }.joined(separator: "; ")
        await state.record(RecordedRequest(
            method: method, path: path, query: query, body: body, bodyText: bodyText, time: arrived,
            status: Int(response.status.code), fault: faultNote.isEmpty ? nil : faultNote, authorized: authorized,
            httpVersion: context.httpVersion
        ))
        return response
    }
}
