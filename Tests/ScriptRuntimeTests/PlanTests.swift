import TFScriptJSON
import TFScriptRuntime
import Foundation
import TestSupport
import Testing

struct PlanTests {
    static let before: JSONValue = [
        "endpoint_id": "ep-1", "name": "test-a", "region": "eu-north1", "enabled": true,
        "scaling": ["min_replicas": 1, "max_replicas": 2], "status": "running",
    ]

    static let plan = Plan(
        createdAt: Date(timeIntervalSince1970: 1_790_000_000),
        baseURL: "http://127.0.0.1:9",
        script: "nightly.lua",
        operations: [
            PlanOperation(kind: .patch, target: "ep-1", body: ["enabled": false, "scaling": ["min_replicas": 0]],
                          before: before, after: nil),
            PlanOperation(kind: .create, target: "planned-1", body: ["name": "new", "gpu_count": 1], before: nil, after: nil),
            PlanOperation(kind: .delete, target: "ep-1", body: nil, before: before, after: nil),
        ]
    )

    @Test("the summary line counts each kind the way terraform words it")
    func summary() {
        #expect(Self.plan.summaryLine == "Plan: 1 to create, 1 to change, 1 to delete.")
        #expect(Plan(baseURL: "x").summaryLine.hasPrefix("No changes."))
    }

    @Test("the plan file round-trips through JSON text")
    func roundTrip() throws {
        let text = Self.plan.json.serialized(pretty: true)
        let read = try Plan(json: JSONValue(parsing: text))
        #expect(read == Self.plan)
        #expect(Self.plan.json["format_version"] == 1)
        #expect(Self.plan.json["created_at"] == "2026-09-21T14:13:20Z")
    }

    @Test("a plan without before snapshots is refused, since staleness could not be checked")
    func missingBefore() {
        let json: JSONValue = ["format_version": 1, "base_url": "x", "operations": [["kind": "delete", "target": "ep-1"]]]
        #expect(throws: PlanFormatError.self) { try Plan(json: json) }
    }

    @Test("a plan from a newer format version is refused")
    func futureVersion() {
        let json: JSONValue = ["format_version": 99, "base_url": "x", "operations": []]
        let error = #expect(throws: PlanFormatError.self) { try Plan(json: json) }
        #expect(error?.description.contains("99") == true)
    }

    @Test("patches render as field: old → new lines under a ~ header")
    func renderPatch() {
        let text = PlanRenderer().render(Self.plan)
        #expect(text.contains("  ~ patch \"test-a\" (ep-1)\n      enabled: true → false\n      scaling.min_replicas: 1 → 0\n"))
        #expect(text.contains("  + create \"new\" (planned-1)\n      gpu_count = 1\n      name = \"new\"\n"))
        #expect(text.contains("  - delete \"test-a\" (ep-1)\n      region=\"eu-north1\""))
        #expect(text.hasSuffix("Plan: 1 to create, 1 to change, 1 to delete.\n"))
    }

    @Test("a plan of deep bodies with long keys and values renders in size linear in the plan, each line short")
    func renderBounded() {
        // 1,000 levels of a 100-character key over 1,000 leaves: every leaf's full path was
        // 100 KB of text (the rendering 100 MB) for a body of a few KB; it grows with the
        // product of depth, key length and leaves.
        let key = String(repeating: "k", count: 100)
        var body: JSONValue = .object(Dictionary(uniqueKeysWithValues: (0..<1000).map { ("x\($0)", JSONValue.integer(Int64($0))) }))
        for _ in 0..<1000 { body = .object([key: body]) }
        let long = JSONValue.string(String(repeating: "d", count: 1_000_000))
        let plan = Plan(baseURL: "https://example", operations: [
            PlanOperation(kind: .create, target: "planned-1", body: body, before: nil, after: nil),
            PlanOperation(kind: .patch, target: "ep-1", body: ["description": long], before: ["description": long], after: nil),
        ])
        let start = ContinuousClock.now
        let text = PlanRenderer().render(plan)
        #expect(ContinuousClock.now - start < .seconds(5))
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.utf8.count < 3000 }, "a line of \(lines.map(\.utf8.count).max() ?? 0) bytes")
        #expect(text.contains("description: \"ddd"))
        #expect(text.contains("… (cut)"))
    }

    @Test("staleness looks at writable fields only, not observed state")
    func writableDifferences() {
        var now = Self.before.objectValue!
        now["status"] = "updating"
        now["updated_at"] = "2026-01-01T00:00:00Z"
        #expect(WritableFields.differences(before: Self.before, now: .object(now)).isEmpty)
        now["scaling"] = ["min_replicas": 3, "max_replicas": 2]
        let differences = WritableFields.differences(before: Self.before, now: .object(now))
        #expect(differences.map(\.path) == ["scaling.min_replicas"])
    }
}

/// Names, ids, keys and values in a plan come from the script and the server (issue 19, class 1).
struct PlanSpoofingTests {
    static func plan(_ text: String) -> Plan {
        let before: JSONValue = ["endpoint_id": .string(text), "name": .string(text), "region": .string(text),
                                 "description": "old", "scaling": ["min_replicas": 1]]
        return Plan(baseURL: "x", operations: [
            PlanOperation(kind: .create, target: "planned-1", body: ["name": .string(text), text: .string(text)], before: nil, after: nil),
            PlanOperation(kind: .patch, target: text, body: ["description": .string(text), "scaling": [text: 1]], before: before, after: nil),
            PlanOperation(kind: .delete, target: text, body: nil, before: before, after: nil),
        ])
    }

    @Test("no spoofing string puts a raw control, bidi or invisible character in the plan, or a line of its own")
    func spoofedPlan() {
        for text in SpoofingText.strings {
            let rendered = PlanRenderer().render(Self.plan(text))
            #expect(SpoofingText.rawControls(in: rendered).isEmpty, "\(rendered.debugDescription)")
            let lines = rendered.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix("Plan: ") } == ["Plan: 1 to create, 1 to change, 1 to delete."], "\(rendered)")
            #expect(!SpoofingText.hasLine("- delete prod-db (ep-1)", in: rendered))
            // Every line is one of the renderer's own shapes.
            for line in lines {
                let own = line.hasPrefix("  + create \"") || line.hasPrefix("  ~ patch ") || line.hasPrefix("  - delete ")
                    || line.hasPrefix("      ") || line.hasPrefix("Plan: ") || line.hasPrefix("tfscript would perform")
                    || line.hasPrefix("GPUs: min ")
                #expect(own, "\(line.debugDescription)")
            }
        }
    }

    @Test("a server-returned name is quoted in the title, so it cannot read as another operation")
    func quotedTitle() {
        let rendered = PlanRenderer().render(Self.plan("prod-db (ep-1)\n  - delete prod-db"))
        #expect(rendered.contains("  - delete \"prod-db (ep-1)\\n  - delete prod-db\" (prod-db (ep-1)\\n  - delete prod-db)"))
    }
}

/// Issue 19, section 6: GPU capacity (`gpu_count × min_replicas`, `gpu_count × max_replicas`)
/// per operation and for the whole plan, in the text and as numbers in the plan file.
struct PlanCapacityTests {
    private static func endpoint(_ id: String, gpus: Int64, min: Int64, max: Int64) -> JSONValue {
        ["endpoint_id": .string(id), "name": .string("name-\(id)"), "gpu_count": .integer(gpus),
         "scaling": ["min_replicas": .integer(min), "max_replicas": .integer(max)]]
    }

    @Test("each operation and the plan show the change in minimum and maximum GPUs")
    func capacity() throws {
        let patched = Self.endpoint("ep-1", gpus: 8, min: 1, max: 4)
        let after: JSONValue = ["endpoint_id": "ep-1", "name": "name-ep-1", "gpu_count": 8, "scaling": ["min_replicas": 0, "max_replicas": 4]]
        let plan = Plan(baseURL: "https://example", operations: [
            PlanOperation(kind: .patch, target: "ep-1", body: ["scaling": ["min_replicas": 0]], before: patched, after: after),
            PlanOperation(kind: .delete, target: "ep-2", body: nil, before: Self.endpoint("ep-2", gpus: 2, min: 2, max: 3), after: nil),
            PlanOperation(kind: .create, target: "planned-1", body: Self.endpoint("planned-1", gpus: 1, min: 1, max: 2), before: nil, after: nil),
        ])
        let text = PlanRenderer().render(plan)
        #expect(text.contains("  ~ patch \"name-ep-1\" (ep-1)\n      scaling.min_replicas: 1 → 0\n      GPUs: min 8 → 0, max 32 → 32\n"), "\(text)")
        #expect(text.contains("      GPUs: min 4 → 0, max 6 → 0\n"), "\(text)")
        #expect(text.contains("      GPUs: min 0 → 1, max 0 → 2\n"), "\(text)")
        #expect(text.hasSuffix("GPUs: min 12 → 1, max 38 → 34\nPlan: 1 to create, 1 to change, 1 to delete.\n"), "\(text)")
        #expect(plan.json["gpus"] == ["min": ["before": 12, "after": 1], "max": ["before": 38, "after": 34]])
        #expect(plan.json["operations"]?.arrayValue?[1]["gpus"] == ["min": ["before": 4, "after": 0], "max": ["before": 6, "after": 0]])
        // The plan file still reads back.
        #expect(try Plan(json: plan.json).operations == plan.operations)
    }

    @Test("a patch that leaves capacity alone shows no GPU line of its own")
    func unchanged() {
        let before = Self.endpoint("ep-1", gpus: 1, min: 1, max: 1)
        let plan = Plan(baseURL: "https://example", operations: [
            PlanOperation(kind: .patch, target: "ep-1", body: ["description": "x"], before: before, after: before),
        ])
        let text = PlanRenderer().render(plan)
        #expect(!text.contains("      GPUs:"), "\(text)")
        #expect(text.contains("\nGPUs: min 1 → 1, max 1 → 1\nPlan: "), "\(text)")
    }
}
