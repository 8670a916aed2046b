import Testing
import TestSupport
import TFScriptJSON
@testable import TFScriptRuntime

/// A live run's change lines (issue 19, section 5): the plan's words, the plan's escaping.
struct ChangeLineTests {
    let renderer = PlanRenderer()

    @Test("a patch shows each field sent with the value the run last read, sorted by path")
    func patchLine() {
        let change = PlanOperation(
            kind: .patch, target: "ep-1", body: ["enabled": false, "scaling": ["min_replicas": 0]],
            before: ["name": "web", "enabled": true, "scaling": ["min_replicas": 1, "max_replicas": 2]], after: nil)
        #expect(renderer.changeLine(change) == #"~ patched "web" (ep-1): enabled true → false, scaling.min_replicas 1 → 0"#)
        #expect(PlanRenderer(ascii: true).changeLine(change) == #"~ patched "web" (ep-1): enabled true -> false, scaling.min_replicas 1 -> 0"#)
    }

    @Test("unknown before shows the new value only; a field the read did not have shows (unset)")
    func unknownBefore() {
        let unread = PlanOperation(kind: .patch, target: "ep-2", body: ["enabled": false], before: nil, after: ["name": "api"])
        #expect(renderer.changeLine(unread) == #"~ patched "api" (ep-2): enabled → false"#)
        let absent = PlanOperation(kind: .patch, target: "ep-2", body: ["description": "d"], before: ["name": "api"], after: nil)
        #expect(renderer.changeLine(absent) == #"~ patched "api" (ep-2): description (unset) → "d""#)
    }

    @Test("create and delete lines name the endpoint; without a name, the id alone")
    func createAndDelete() {
        #expect(renderer.changeLine(PlanOperation(kind: .create, target: "ep-9", body: ["name": "new"], before: nil, after: nil)) == #"+ created "new" (ep-9)"#)
        #expect(renderer.changeLine(PlanOperation(kind: .delete, target: "ep-9", body: nil, before: nil, after: nil)) == "- deleted (ep-9)")
        #expect(PlanRenderer.appliedLine(created: 1, changed: 3, deleted: 0) == "Applied: 1 created, 3 changed, 0 deleted")
    }

    @Test("names, keys and values with controls never reach the line raw", arguments: SpoofingText.strings)
    func spoofing(text: String) {
        let change = PlanOperation(
            kind: .patch, target: text, body: .object([text: .string(text)]), before: ["name": .string(text), text: "old"], after: nil)
        let line = renderer.changeLine(change)
        #expect(SpoofingText.rawControls(in: line, allowing: []).isEmpty, "\(line.debugDescription)")
        #expect(line.hasPrefix("~ patched \""))
    }

    @Test("sightings stay bounded: an oversized endpoint is not kept, and past the cap the oldest half goes")
    func sightingsBounded() {
        let sightings = EndpointSightings()
        sightings.record(["endpoint_id": "big", "description": .string(String(repeating: "x", count: EndpointSightings.maxEntryBytes))])
        #expect(sightings.fields(of: "big") == nil)
        for index in 0...EndpointSightings.maxEntries {
            sightings.record(["endpoint_id": .string("ep-\(index)"), "enabled": true, "status": "running"])
        }
        #expect(sightings.fields(of: "ep-0") == nil)
        #expect(sightings.fields(of: "ep-\(EndpointSightings.maxEntries)") == ["enabled": true])
        sightings.forget("ep-\(EndpointSightings.maxEntries)")
        #expect(sightings.fields(of: "ep-\(EndpointSightings.maxEntries)") == nil)
    }

    @Test("list pages are parsed only when an endpoint is asked for; what a get saw stays ahead of a page")
    func pagesParsedLazily() {
        let sightings = EndpointSightings()
        let page = Array(#"{"endpoints": [{"id": "ep-1", "name": "a", "enabled": true, "status": "running"}, {"endpoint_id": "ep-2", "name": "b", "enabled": false}]}"#.utf8)
        let items = page.firstIndex(of: UInt8(ascii: "["))!..<(page.lastIndex(of: UInt8(ascii: "]"))! + 1)
        sightings.record(["endpoint_id": "ep-2", "name": "b", "enabled": true])
        sightings.retain(page: page, items: items)
        #expect(sightings.fields(of: "ep-1") == ["name": "a", "enabled": true])
        #expect(sightings.fields(of: "ep-2") == ["name": "b", "enabled": true], "the direct sighting wins")
        #expect(sightings.fields(of: "ep-3") == nil)
        // Past the byte cap the oldest pages go: a page alone larger than it is not kept.
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: EndpointSightings.maxRetainedPageBytes + 1)
        sightings.retain(page: huge, items: 0..<huge.count)
        #expect(sightings.fields(of: "ep-4") == nil)
    }
}
