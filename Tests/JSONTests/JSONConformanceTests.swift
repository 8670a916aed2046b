import Testing
import TestSupport
@testable import TFScriptJSON

/// The Swift parser and the list-page skim against the JSONTestSuite corpus.
struct JSONConformanceTests {
    @Test("the corpus is there: 95 must-accept, 188 must-reject, 35 either")
    func corpusLoaded() {
        let cases = JSONConformanceCorpus.cases
        #expect(cases.filter { $0.expectation == .accept }.count == 95)
        #expect(cases.filter { $0.expectation == .reject }.count == 188)
        #expect(cases.filter { $0.expectation == .either }.count == 35)
    }

    @Test("the parser accepts every y_ document and refuses every n_ document", arguments: JSONConformanceCorpus.cases)
    func parser(_ document: JSONConformanceCorpus.Case) {
        let parsed = try? JSONValue(parsing: document.bytes)
        switch document.expectation {
        case .accept: #expect(parsed != nil, "refused \(document.name)")
        case .reject: #expect(parsed == nil, "accepted \(document.name)")
        case .either: break
        }
    }

    @Test("the skim reads every y_ document's top level like the parser, and never traps on the others", arguments: JSONConformanceCorpus.cases)
    func skim(_ document: JSONConformanceCorpus.Case) throws {
        let shape = try? JSONSkim.topLevel(document.bytes)
        guard document.expectation == .accept else { return }
        let value = try JSONValue(parsing: document.bytes)
        switch shape {
        case .array(let range):
            #expect(value.arrayValue != nil)
            #expect(try JSONValue(parsing: document.bytes[range]) == value)
        case .object(let members):
            let object = try #require(value.objectValue)
            #expect(Set(members.keys) == Set(object.keys), "\(document.name)")
            for (key, range) in members { #expect(try JSONValue(parsing: document.bytes[range]) == object[key]) }
        case .scalar:
            #expect(value.arrayValue == nil && value.objectValue == nil)
        case nil:
            Issue.record("skim refused \(document.name)")
        }
    }
}
