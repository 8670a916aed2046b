/// The top level of a JSON document, read without building it: whether it is an array, or
/// which members an object has and where each member's value text lies.
///
/// For large list responses: their items are decoded elsewhere (straight into Lua, in C),
/// while the client needs one small member now (the next page's token, to fetch it while the
/// script works on this page). Only the structure is checked here (strings closed, brackets
/// balanced); whoever decodes a value's text checks it fully.
public enum JSONSkim {
    public enum Shape: Equatable, Sendable {
        /// The document is an array; the range covers its text, brackets included.
        case array(Range<Int>)
        /// The document is an object: each member's name and the range of its value's text.
        case object([String: Range<Int>])
        /// Any other value (a string, number, literal).
        case scalar
    }

    public static func topLevel(_ bytes: [UInt8]) throws(JSONError) -> Shape {
        var result: Result<Shape, JSONError> = .success(.scalar)
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            do throws(JSONError) { result = .success(try scanner.document()) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func document() throws(JSONError) -> Shape {
            skipWhitespace()
            guard position < bytes.count else { throw JSONError(message: "empty document", offset: 0) }
            let start = position
            let shape: Shape
            switch bytes[position] {
            case UInt8(ascii: "["):
                try skipValue()
                shape = .array(start..<position)
            case UInt8(ascii: "{"):
                shape = .object(try members())
            default:
                try skipValue()
                shape = .scalar
            }
            skipWhitespace()
            guard position == bytes.count else { throw JSONError(message: "unexpected data after the end of the document", offset: position) }
            return shape
        }

        private mutating func members() throws(JSONError) -> [String: Range<Int>] {
            var members: [String: Range<Int>] = [:]
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return members }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw JSONError(message: "expected a string key", offset: position)
                }
                let keyStart = position
                try skipString()
                let key = try Self.decodeKey(UnsafeBufferPointer(rebasing: bytes[keyStart..<position]))
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw JSONError(message: "expected ':'", offset: position)
                }
                position += 1
                skipWhitespace()
                let valueStart = position
                try skipValue()
                members[key] = valueStart..<position
                skipWhitespace()
                guard position < bytes.count else { throw JSONError(message: "unexpected end of input in an object", offset: position) }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return members }
                throw JSONError(message: "expected ',' or '}'", offset: position)
            }
        }

        private static func decodeKey(_ quoted: UnsafeBufferPointer<UInt8>) throws(JSONError) -> String {
            if !quoted.contains(UInt8(ascii: "\\")) {
                return String(decoding: UnsafeBufferPointer(rebasing: quoted.dropFirst().dropLast()), as: UTF8.self)
            }
            return try JSONValue(parsing: quoted).stringValue ?? ""
        }

        /// Skips one value of any kind, containers by bracket depth (strings inside skipped
        /// whole, so brackets in them do not count).
        private mutating func skipValue() throws(JSONError) {
            guard position < bytes.count else { throw JSONError(message: "unexpected end of input, expected a value", offset: position) }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                var closers: [UInt8] = []
                repeat {
                    guard position < bytes.count else { throw JSONError(message: "unexpected end of input in a container", offset: position) }
                    let byte = bytes[position]
                    switch byte {
                    case UInt8(ascii: "\""):
                        try skipString()
                        continue
                    case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
                    case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        guard closers.popLast() == byte else { throw JSONError(message: "mismatched bracket", offset: position) }
                    default: break
                    }
                    position += 1
                } while !closers.isEmpty
            default:
                let start = position
                while position < bytes.count {
                    switch bytes[position] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: break
                    default: position += 1; continue
                    }
                    break
                }
                if position == start { throw JSONError(message: "expected a value", offset: position) }
            }
        }

        private mutating func skipString() throws(JSONError) {
            let start = position
            position += 1
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""): position += 1; return
                case UInt8(ascii: "\\"): position += 2
                default: position += 1
                }
            }
            throw JSONError(message: "unterminated string", offset: start)
        }

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }
    }
}
