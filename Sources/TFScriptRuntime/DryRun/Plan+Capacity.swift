public import TFScriptJSON

/// GPU capacity in a plan (issue 19, section 6): how the minimum and maximum GPUs of the
/// endpoints a plan touches change, as the API documentation counts them: `gpu_count ×
/// scaling.min_replicas` and `gpu_count × scaling.max_replicas`. A reviewer sees at a glance
/// that a "small" nightly change frees 40 GPUs, or that a typo asks for 400.
public struct GPUCapacity: Sendable, Equatable {
    public var minimum: Int64
    public var maximum: Int64

    public init(minimum: Int64 = 0, maximum: Int64 = 0) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// An endpoint's capacity; zero for none (before a create, after a delete). Missing or
    /// non-integer fields count as zero; products saturate instead of overflowing.
    public init(of endpoint: JSONValue?) {
        guard let endpoint else { self.init(); return }
        let count = endpoint["gpu_count"]?.integerValue ?? 0
        func product(_ replicas: Int64?) -> Int64 {
            let (value, overflow) = count.multipliedReportingOverflow(by: replicas ?? 0)
            return overflow ? .max : value
        }
        self.init(minimum: product(endpoint["scaling"]?["min_replicas"]?.integerValue),
                  maximum: product(endpoint["scaling"]?["max_replicas"]?.integerValue))
    }

    static func + (a: GPUCapacity, b: GPUCapacity) -> GPUCapacity {
        let (minimum, o1) = a.minimum.addingReportingOverflow(b.minimum)
        let (maximum, o2) = a.maximum.addingReportingOverflow(b.maximum)
        return GPUCapacity(minimum: o1 ? .max : minimum, maximum: o2 ? .max : maximum)
    }
}

extension PlanOperation {
    /// The target's capacity before and after this operation.
    public var gpus: (before: GPUCapacity, after: GPUCapacity) {
        let after: JSONValue? = switch kind.effect {
        case .delete: nil
        case .create: self.after ?? body
        case .modify, .action: self.after ?? before
        }
        return (GPUCapacity(of: kind.effect == .create ? nil : before), GPUCapacity(of: after))
    }
}

extension Plan {
    /// The capacity of every endpoint the plan touches, before its first operation and after
    /// its last one.
    public var gpus: (before: GPUCapacity, after: GPUCapacity) {
        var first: [String: GPUCapacity] = [:], last: [String: GPUCapacity] = [:]
        var order: [String] = []
        for operation in operations {
            let (before, after) = operation.gpus
            if first[operation.target] == nil {
                first[operation.target] = before
                order.append(operation.target)
            }
            last[operation.target] = after
        }
        return order.reduce((GPUCapacity(), GPUCapacity())) { total, target in
            (total.0 + first[target]!, total.1 + last[target]!)
        }
    }

    /// `GPUs: min 24 → 8, max 48 → 32` (the arrow as `->` when `ascii`).
    public static func gpuLine(_ change: (before: GPUCapacity, after: GPUCapacity), ascii: Bool) -> String {
        let arrow = ascii ? "->" : "→"
        return "GPUs: min \(change.before.minimum) \(arrow) \(change.after.minimum), max \(change.before.maximum) \(arrow) \(change.after.maximum)"
    }

    /// The capacity change as plan-file JSON: `{"min": {"before": 24, "after": 8}, "max": …}`.
    static func gpuJSON(_ change: (before: GPUCapacity, after: GPUCapacity)) -> JSONValue {
        .object([
            "min": .object(["before": .integer(change.before.minimum), "after": .integer(change.after.minimum)]),
            "max": .object(["before": .integer(change.before.maximum), "after": .integer(change.after.maximum)]),
        ])
    }
}
