/// Writes `JSONValue` as text: keys sorted (so plans and diffs are stable), integers without
/// `.0`, floats in Swift's shortest round-trip form (which keeps a trailing `.0` on integral
/// floats, so a float stays a float when read back).
struct JSONWriter {
    var output: [UInt8] = []
    let pretty: Bool
    /// Writing stops once the output is longer than this (pretty printing of deep values can
    /// be far larger than the value itself); `overflowed` says so.
    let limit: Int
    /// Asked at every value: a long write (a large or deep value, pretty printed) is host
    /// work a script sized, so a deadline must reach it. True stops the writer (`stopped`).
    let shouldStop: ((Int) -> Bool)?
    private(set) var stopped = false
    var overflowed: Bool { stopped || output.count > limit }

    init(pretty: Bool, limit: Int = .max, shouldStop: ((Int) -> Bool)? = nil) {
        self.pretty = pretty
        self.limit = limit
        self.shouldStop = shouldStop
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int = 0) {
        if overflowed { return }
        if let shouldStop, shouldStop(1) {
            stopped = true
            return
        }
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let number): append(String(number))
        case .number(let number): writeDouble(number)
        case .string(let string): Self.writeString(string, into: &output, limit: limit)
        case .array(let elements):
            if elements.isEmpty { return append("[]") }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if overflowed { return }
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { return append("{}") }
            if let shouldStop, shouldStop(members.count) {
                stopped = true
                return
            }
            output.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if overflowed { return }
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                Self.writeString(key, into: &output, limit: limit)
                append(pretty ? ": " : ":")
                write(members[key]!, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeDouble(_ number: Double) {
        // JSON has no NaN or Infinity; callers that must refuse them check before building a value.
        guard number.isFinite else { return append("null") }
        append(number.description)
    }

    private mutating func newline(_ indent: Int) {
        guard pretty else { return }
        output.append(0x0A)
        var remaining = indent * 2
        while remaining > 0 {
            let count = min(remaining, Self.spaces.count)
            Self.spaces.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<count])) }
            remaining -= count
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 256)

    private mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    /// Appends `string` as a JSON string literal, escaping quotes, backslashes and control characters.
    /// Stops early (leaving a cut literal) once `output` is longer than `limit`: the caller
    /// asked for at most that much, and a cut text is what it gets as a prefix.
    static func writeString(_ string: String, into output: inout [UInt8], limit: Int = .max) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            if output.count > limit { return }
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                           hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The value as JSON text with sorted keys; `pretty` indents by two spaces.
    public func serialized(pretty: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty), as: UTF8.self)
    }

    public func serializedBytes(pretty: Bool = false) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self)
        return writer.output
    }

    /// The JSON text, or nil when it would be longer than `limit` bytes (writing stops there,
    /// so an oversized document is never built whole).
    public func serializedBytes(pretty: Bool = false, limit: Int) -> [UInt8]? {
        serializedBytes(pretty: pretty, bound: RenderBound(maxBytes: limit))
    }

    /// The JSON text, or nil when it would be longer than `bound.maxBytes` or
    /// `bound.shouldStop` answered true (asked once per value): for text written for a
    /// script, whose size and depth the script chose.
    public func serializedBytes(pretty: Bool = false, bound: RenderBound) -> [UInt8]? {
        var writer = JSONWriter(pretty: pretty, limit: bound.maxBytes, shouldStop: bound.shouldStop)
        writer.write(self)
        return writer.overflowed ? nil : writer.output
    }

    /// At least the first `maxBytes` bytes of the compact JSON text (or all of it when
    /// shorter), with work proportional to `maxBytes`, not to the value: for showing a value
    /// cut to a width (a table cell). The result may end inside a string or a character.
    public func serializedPrefix(maxBytes: Int, shouldStop: ((Int) -> Bool)? = nil) -> [UInt8] {
        var writer = JSONWriter(pretty: false, limit: max(0, maxBytes), shouldStop: shouldStop)
        writer.write(self)
        return writer.output
    }

    /// Appends `string` as a JSON string literal; for writers that stream values they hold
    /// in another form (the Lua encoder) and must escape exactly as this module does.
    public static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        JSONWriter.writeString(string, into: &output)
    }
}
