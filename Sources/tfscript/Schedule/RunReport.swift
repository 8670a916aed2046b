import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TFScriptJSON

/// `--report-url`: POSTs the run summary to a monitoring URL at the end of a run (a
/// healthchecks-style dead-man switch, a chat webhook).
///
/// The report is best effort by design: it never changes the run's exit code (the run already
/// happened), it is bounded by ``timeout``, and a failure is a warning naming only the URL's
/// scheme and host, since a ping URL's path is often a secret of its own. Nothing but the
/// summary is sent: no token, no headers of the API client, no script output.
enum RunReport {
    /// The whole report (connect, send, answer) must finish within this.
    static let timeout: Duration = .seconds(10)

    /// The URL to POST to, with `{exit_code}` replaced; nil when it is not an http(s) URL with a host.
    static func target(_ template: String, exitCode: Int32) -> URL? {
        let text = template.replacingOccurrences(of: "{exit_code}", with: String(exitCode))
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else { return nil }
        return url
    }

    /// Where a report went, for messages: scheme, host and port only.
    static func origin(_ url: URL) -> String {
        "\(url.scheme ?? "http")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")"
    }

    /// POSTs `summary`; logs a warning (never throws) when that fails.
    static func send(_ summary: RunSummary, to template: String, logger: Logger) async {
        guard let url = target(template, exitCode: summary.exitCode) else { return }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "tfscript/\(TFScriptCommand.version)")
        request.body = .bytes(ByteBuffer(bytes: summary.json.serializedBytes()))
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let problem: String?
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
            _ = try? await response.body.collect(upTo: 64 << 10)
            problem = (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
        } catch {
            problem = describe(error)
        }
        try? await client.shutdown()
        if let problem {
            logger.warning("could not send the run report", metadata: [
                "report.url": "\(origin(url))", "report.problem": "\(problem)",
            ])
        } else {
            logger.debug("run report sent", metadata: ["report.url": "\(origin(url))"])
        }
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("connectionRefused") { return "connection refused" }
        if let httpError = error as? HTTPClientError {
            if httpError == .deadlineExceeded || httpError == .readTimeout { return "no answer within \(timeout.components.seconds) s" }
            if httpError == .connectTimeout { return "connect timeout" }
        }
        return String(text.prefix(200))
    }
}
