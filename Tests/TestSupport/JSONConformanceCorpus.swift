public import Foundation

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
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { return nil }
            return Case(name: name, bytes: Array(data), expectation: expectation)
        }
    }()
}
