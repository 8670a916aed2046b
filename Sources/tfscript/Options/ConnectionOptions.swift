import ArgumentParser
import Foundation
import TokenFactory

/// Where the control plane is and how to authenticate: shared by `run`, `apply` and `repl`.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp(
            "Control-plane URL (default: $TFSCRIPT_BASE_URL, the profile's base_url, else https://api.tokenfactory.nebius.com).",
            discussion: "Plain http:// is refused unless the host is loopback, so the token never travels in clear.",
            valueName: "url"))
    var baseURL: String?

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            "Read the API token from this file (first in precedence; then TOKEN_FACTORY_API_KEY, API_TOKEN, NEBIUS_API_KEY, then the profile's token_file).",
            valueName: "path"),
        completion: .file())
    var tokenFile: String?

    @Option(help: ArgumentHelp(
        "Use [profile.NAME] of $XDG_CONFIG_HOME/tfscript/config.toml (default: $TFSCRIPT_PROFILE, else [profile.default] if the file has one).",
        discussion: "A profile gives base_url and token_file; flags and environment variables win over it (docs/scheduling.md#profiles).",
        valueName: "name"),
        completion: Completions.profiles)
    var profile: String?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp(
            "Also trust the certificate authorities in this PEM file (a private CA, or a TLS-inspecting proxy's).",
            discussion: "The system's trust store stays trusted too. Without it, a server whose certificate no trusted CA signed fails the TLS handshake (exit 4).",
            valueName: "pem"),
        completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp(
            "Deadline for one attempt of an API call: connect, send, and read the whole response (e.g. 500ms, 30s, 2m; at most 8760h).",
            discussion: "A server that stalls or drips its answer is cut off at this deadline; the attempt is then retried within the call's retry budget.",
            valueName: "duration"))
    var requestTimeout = DurationArgument(duration: TokenFactoryClient.Timeouts.defaultRequest)

    @Flag(help: "Start a simulated control plane in-process (loopback, in memory) and run against it.")
    var simulator = false

    @Option(help: ArgumentHelp("With --simulator: seed it from this fleet JSON file instead of the demo fleet.", valueName: "path"),
            completion: .file(extensions: ["json"]))
    var fleet: String?

    @Option(help: ArgumentHelp(
        "Record every API exchange (redacted, never the token) into this cassette file, for --replay (docs/cassettes.md).",
        valueName: "file"), completion: .file(extensions: ["json"]))
    var record: String?

    @Option(help: ArgumentHelp(
        "Answer API calls from this cassette instead of the network (no connection is made; no token needed). A request it does not hold fails, naming the closest one it holds.",
        valueName: "file"), completion: .file(extensions: ["json"]))
    var replay: String?

    /// The client's network time limits, with `--request-timeout` applied.
    var timeouts: TokenFactoryClient.Timeouts {
        TokenFactoryClient.Timeouts(request: requestTimeout.duration)
    }

    func validate() throws {
        if requestTimeout.duration <= .zero {
            throw ValidationError("--request-timeout must be more than zero (e.g. 30s)")
        }
        if fleet != nil, !simulator {
            throw ValidationError("--fleet only applies with --simulator")
        }
        if simulator, baseURL != nil || tokenFile != nil || profile != nil || caFile != nil {
            throw ValidationError("--simulator starts its own control plane; drop --base-url, --token-file, --profile and --ca-file, or drop --simulator")
        }
        if record != nil, replay != nil { throw ValidationError("--record and --replay exclude each other: record a cassette once, then replay it") }
        if simulator, record != nil || replay != nil {
            throw ValidationError("--record and --replay work with the API or a `tfscript simulator` (--base-url), not --simulator")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file \(caFile): no readable file there (give a PEM file of CA certificates)")
        }
    }
}
