import ArgumentParser
import Foundation
import Synchronization
import TFScriptJSON
import TokenFactory

/// What the shell completes beyond the commands and flags themselves: profile names from the
/// configuration file, and endpoint names for `tfscript endpoints …`.
///
/// Endpoint names come from a cache (`$XDG_CACHE_HOME/tfscript/endpoint-names`, one minute old
/// at most, per base URL) or else a quick list with a short deadline: a completion never holds
/// the shell for more than about a second, and offers nothing rather than wait longer.
enum Completions {
    /// `--profile <Tab>`: the profiles of the configuration file.
    static let profiles = CompletionKind.custom { _, _, prefix in
        let environment = ProcessInfo.processInfo.environment
        let path = ProfileFile.defaultPath(environment: environment)
        let names = ((try? ProfileFile.load(path: path, environment: environment))??.profiles.keys).map(Array.init) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// `tfscript endpoints get <Tab>`: endpoint names (and ids), for the command line's
    /// connection flags.
    ///
    /// Synchronous, blocking on the lookup: ArgumentParser answers an asynchronous completion
    /// only from its own `main`, and tfscript has its own (``TFScriptCommand/main()``). A
    /// completion process does nothing else meanwhile.
    static let endpoints = CompletionKind.custom { arguments, _, prefix in
        let result = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        Task {
            let names = await endpointNames(arguments: arguments)
            result.withLock { $0 = names }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }.filter { $0.hasPrefix(prefix) }
    }

    static let cacheLifetime: TimeInterval = 60
    static let deadline: Duration = .milliseconds(1200)

    static func endpointNames(arguments: [String]) async -> [String] {
        let environment = ProcessInfo.processInfo.environment
        guard let connection = try? ConnectionOptions.parse(connectionFlags(in: arguments)) else { return [] }
        if connection.simulator { return [] }
        guard let settings = try? ConnectionSettings.resolve(
            profileFlag: connection.profile, baseURLFlag: connection.baseURL, tokenFileFlag: connection.tokenFile, environment: environment),
            let credentials = try? settings.credentials(environment: environment)
        else { return [] }
        let cache = cacheFile(environment: environment, baseURL: settings.baseURL.value)
        if let cached = read(cache) { return cached }
        let names = await withTaskGroup(of: [String]?.self) { group in
            group.addTask {
                var configuration = TokenFactoryClient.Configuration(
                    baseURL: settings.baseURL.value, token: credentials.token,
                    timeouts: TokenFactoryClient.Timeouts(request: deadline),
                    retry: TokenFactoryClient.Retry(maxAttempts: 1, totalBudget: deadline))
                configuration.trustedCAs = connection.caFile.map { [.file($0)] } ?? []
                guard let client = try? TokenFactoryClient(configuration: configuration) else { return nil }
                let endpoints = try? await client.listEndpoints()
                try? await client.shutdown()
                return endpoints.map { $0.flatMap { [$0.raw["name"]?.stringValue, $0.id].compactMap { $0 } } }
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let names else { return [] }
        // A server's names go to the shell: only plain visible words are offered.
        let safe = names.filter { name in
            !name.isEmpty && name.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && ![.control, .format].contains($0.properties.generalCategory) }
        }
        write(safe, to: cache)
        return safe
    }

    /// The connection flags of a command line (the rest is not completion's business).
    static func connectionFlags(in arguments: [String]) -> [String] {
        let valued: Set<String> = ["--base-url", "--token-file", "--profile", "--ca-file"]
        var flags: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if valued.contains(word), index + 1 < arguments.count {
                flags += [word, arguments[index + 1]]
                index += 2
                continue
            }
            if word == "--simulator" || valued.contains(where: { word.hasPrefix($0 + "=") }) { flags.append(word) }
            index += 1
        }
        return flags
    }

    static func cacheFile(environment: [String: String], baseURL: String) -> String {
        let root = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        let key = String(baseURL.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }, radix: 16)
        return "\(root)/tfscript/endpoint-names-\(key)"
    }

    /// The cached names when the file is young enough; nil otherwise.
    static func read(_ path: String) -> [String]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let modified = attributes[.modificationDate] as? Date,
              Date().timeIntervalSince(modified) < cacheLifetime,
              let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        return text.split(separator: "\n").map(String.init)
    }

    /// Names only (no endpoint data), mode 0600, in a folder of the user's.
    static func write(_ names: [String], to path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let text = names.filter { !$0.contains("\n") }.joined(separator: "\n") + "\n"
        try? PrivateFile.write(Array(text.utf8), to: path)
    }
}
