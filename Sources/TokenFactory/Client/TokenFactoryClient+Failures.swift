internal import AsyncHTTPClient
internal import Foundation
internal import TFScriptJSON
internal import NIOCore
internal import NIOSSL

extension TokenFactoryClient {
    /// The error for a non-success status. `bytes` are already redacted, so the snippet cut
    /// from them can never hold part of the token.
    func apiError(status: Int, bytes: [UInt8], method: String, path: String, attempt: Int) -> TokenFactoryError {
        let parsed = (try? JSONValue(parsing: bytes)).map(redactor.redact)
        var message: String?
        var code: String?
        if let parsed {
            let error = parsed["error"]
            message = error?["message"]?.stringValue ?? error?.stringValue ?? parsed["message"]?.stringValue ?? parsed["detail"]?.stringValue
            code = error?["code"]?.stringValue ?? parsed["code"]?.stringValue
        }
        if message == nil, !bytes.isEmpty { message = snippet(bytes) }
        var error = TokenFactoryError(
            kind: .api,
            status: status,
            message: redactor.redact(message ?? Self.reasonPhrase(status)),
            apiCode: code.map { redactor.redact($0) },
            method: method,
            path: path,
            retryable: Self.retryableStatuses.contains(status),
            attempts: attempt
        )
        if status == 401 { error.tokenSource = configuration.tokenSource }
        return error
    }

    func transportError(_ error: any Error, method: String, path: String, attempt: Int, sent: Bool) -> TokenFactoryError {
        let what: String
        if let failure = Self.tlsFailure(error) {
            what = failure.untrusted
                ? "TLS handshake with \(hostAndPort) failed: \(failure.reason) (if the control plane uses a private CA, or a TLS-inspecting "
                    + "proxy sits in between, trust that CA's certificate with --ca-file PEM, or Configuration.trustedCAs)"
                : "TLS handshake with \(hostAndPort) failed: \(failure.reason)"
        } else if let reason = Self.connectFailureReason(error) {
            what = "cannot connect to \(hostAndPort): \(reason) (check that the control plane is running there and that the base URL's host and port are right)"
        } else if let httpError = error as? HTTPClientError {
            switch httpError {
            case .connectTimeout: what = "cannot connect to \(hostAndPort): timed out (check the network, a firewall, and the base URL)"
            case .readTimeout: what = "no response bytes within the read timeout of \(SafeNumbers.describe(configuration.timeouts.read))"
            case .deadlineExceeded: what = "no complete response within the request timeout of \(SafeNumbers.describe(configuration.timeouts.request)) (the server was too slow or stalled; raise the limit with --request-timeout or Timeouts.request)"
            case .remoteConnectionClosed: what = "the server closed the connection before the response was complete"
            case .cancelled: what = "cancelled before the answer arrived"
            default: what = "\(httpError)"
            }
        } else if error is CancellationError {
            what = "cancelled before the answer arrived"
        } else {
            what = sent ? "\(error)" : "cannot connect to \(hostAndPort): \(error)"
        }
        var message = what
        if sent && method != "GET" && !message.hasPrefix("cannot connect") {
            message += "; the request was sent, so the server may have applied it"
        }
        // A certificate the client does not trust will not become trusted on a retry.
        let retryable = Self.tlsFailure(error)?.untrusted != true
        return TokenFactoryError(kind: .transport, message: redactor.redact(message), method: method, path: path, retryable: retryable, attempts: attempt, cause: error)
    }

    /// Why a TLS handshake failed, and whether it was the server's certificate that was refused
    /// (untrusted issuer, expired, wrong host name); nil when `error` is not a handshake failure.
    static func tlsFailure(_ error: any Error) -> (reason: String, untrusted: Bool)? {
        if let extra = error as? NIOSSLExtraError {
            let text = String(describing: extra)
            let hostname = text.contains("failedToValidateHostname") || text.contains("in certificate from peer")
            return hostname ? ("the server's certificate is not valid for this host name (\(text))", true) : (text, false)
        }
        // Only handshake failures: other TLS errors (an unclean shutdown) can come after the
        // request was written, and must not pass for "never sent".
        guard let ssl = error as? NIOSSLError, case .handshakeFailed(let cause) = ssl else { return nil }
        let text = String(describing: cause)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return ("the server's certificate is not trusted (its issuer is not a trusted CA, or it has expired or does not name this host)", true)
        }
        return (text, false)
    }

    /// `host:port` as connected to, for messages (`[::1]:8080` for IPv6).
    var hostAndPort: String {
        baseURL.host.contains(":") ? "[\(baseURL.host)]:\(baseURL.port)" : "\(baseURL.host):\(baseURL.port)"
    }

    /// "connection refused", "network unreachable"...: why a connection could not be made,
    /// or nil when `error` is not such a failure.
    static func connectFailureReason(_ error: any Error) -> String? {
        let reasons: [Int32: String] = [
            ECONNREFUSED: "connection refused", ENETUNREACH: "network unreachable", EHOSTUNREACH: "host unreachable",
        ]
        if let ioError = error as? IOError, let reason = reasons[ioError.errnoCode] { return reason }
        // NIOPosix's NIOConnectionError wraps one IOError per address tried; it is not a
        // dependency here, so look inside through its description.
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("errno: \(ECONNREFUSED))") { return "connection refused" }
        if text.contains("Network is unreachable") { return "network unreachable" }
        if text.contains("No route to host") { return "host unreachable" }
        return nil
    }

    /// Whether `error` means no connection was established, so the request was never sent.
    static func isConnectFailure(_ error: any Error) -> Bool {
        // The TLS handshake comes before the request is written.
        if tlsFailure(error) != nil { return true }
        if let httpError = error as? HTTPClientError {
            return httpError == .connectTimeout || httpError == .tlsHandshakeTimeout || httpError == .getConnectionFromPoolTimeout
        }
        if case ChannelError.connectTimeout = error { return true }
        // Refused or unreachable is only ever reported while connecting.
        if let ioError = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(ioError.errnoCode) { return true }
        let typeName = String(reflecting: type(of: error))
        return typeName.contains("NIOConnectionError") || typeName.contains("SingleConnectionFailure")
    }

    /// The first 200 bytes of an (already redacted) body, for an error message.
    func snippet(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return bytes.count > 200 ? text + "…" : text
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthenticated"
        case 403: "permission denied"
        case 404: "not found"
        case 409: "conflict"
        case 422: "unprocessable request"
        case 429: "too many requests"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        default: "unexpected HTTP status"
        }
    }
}
