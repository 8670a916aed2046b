import Foundation

/// The public JSON conformance corpus (JSONTestSuite by Nicolas Seriot, MIT; the licence is in
/// Resources/JSONTestSuite/LICENSE): 95 documents every parser must accept (`y_`), 188 it must
/// refuse (`n_`) and 35 where either is allowed (`i_`). Every JSON reader of tfscript is checked
/// against it: the Swift parser, the C decoder behind `tf.json.decode` and API results, and
/// the top-level skim of list pages.
public enum JSONConformanceCorpus {
    public struct Case: Sendable, CustomStringConvertible {
        public enum Expectation: Sendable { case accept, reject, either }
        public let name: String
        public let bytes: [UInt8]
        public let expectation: Expectation
        public var description: String { name }
    }

    public static let cases: [Case] = {
        guard let folder = Bundle.module.url(forResource: "JSONTestSuite", withExtension: nil)?.appendingPathComponent("test_parsing"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.sorted().compactMap { name in
            let expectation: Case.Expectation
            switch name.prefix(2) {
            case "y_": expectation = .accept
            case "n_": expectation = .reject
            case "i_": expectation = .either
            default: return nil
            }
            guard let bytes = readFile(folder.appendingPathComponent(name).path) else { return nil }
            return Case(name: name, bytes: bytes, expectation: expectation)
        }
    }()

    /// The file's bytes, read with POSIX calls: Foundation's `FileManager.contents(atPath:)`
    /// leaks its 4 KiB buffer for an empty file (the corpus has one), which LeakSanitizer
    /// reports in the ASan run.
    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
