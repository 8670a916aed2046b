internal import TFScriptJSON
import Glibc

/// Removes the API token from anything that came from the network before it can be shown,
/// logged, journaled, planned or handed to a script.
///
/// Matching is done on UTF-8 **bytes**, never on Swift `String` equality: `String` compares
/// grapheme clusters, so a token followed by a combining mark (`TOKEN` + U+0301) is not
/// "contained" in the text and slipped through whole (issue 10, item 1). A JSON body is
/// redacted twice: once on its raw bytes (the token as sent back verbatim) and once on every
/// decoded string and key (the token written with JSON escapes such as `\u00e9` or `\/`).
/// Servers also echo what they received URL-encoded (a query or form value) or HTML-escaped (an
/// error page), so those spellings of the token are redacted too.
struct TokenRedactor: Sendable {
    static let placeholder = "[REDACTED]"
    private static let placeholderBytes = Array(placeholder.utf8)
    /// Tokens shorter than this are not redacted: replacing two letters everywhere would
    /// destroy every message while protecting nothing (real tokens are far longer).
    static let minimumLength = 4
    let token: [UInt8]
    /// The token and the other spellings a server may echo it in (see the type's comment).
    let spellings: [[UInt8]]

    init(token: String) {
        self.token = Array(token.utf8)
        var spellings = [self.token]
        for variant in [Self.percentEncoded(self.token, upper: true), Self.percentEncoded(self.token, upper: false),
                        Self.htmlEscaped(self.token)] where !spellings.contains(variant) {
            spellings.append(variant)
        }
        self.spellings = spellings
    }

    /// Every byte outside RFC 3986's unreserved set as `%XX`.
    private static func percentEncoded(_ bytes: [UInt8], upper: Bool) -> [UInt8] {
        let hex = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var output: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return output
    }

    /// `&`, `<`, `>`, `"` and `'` as HTML entities.
    private static func htmlEscaped(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "&"): output += Array("&amp;".utf8)
            case UInt8(ascii: "<"): output += Array("&lt;".utf8)
            case UInt8(ascii: ">"): output += Array("&gt;".utf8)
            case UInt8(ascii: "\""): output += Array("&quot;".utf8)
            case UInt8(ascii: "'"): output += Array("&#39;".utf8)
            default: output.append(byte)
            }
        }
        return output
    }

    /// `bytes` with every spelling of the token replaced by `[REDACTED]`.
    func redact(bytes: [UInt8]) -> [UInt8] {
        guard token.count >= Self.minimumLength else { return bytes }
        var result = bytes
        for spelling in spellings { result = Self.replace(spelling, in: result) }
        return result
    }

    private static func replace(_ token: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= token.count, let first = token.first else { return bytes }
        // Where the token occurs, found with memchr on its first byte then a compare: every
        // API response is scanned, lists of megabytes included.
        let matches: [Int] = bytes.withUnsafeBufferPointer { haystack in
            token.withUnsafeBufferPointer { needle in
                var found: [Int] = []
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    guard let hit = memchr(haystack.baseAddress! + index, Int32(first), last - index + 1) else { break }
                    let position = haystack.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(haystack.baseAddress! + position, needle.baseAddress!, needle.count) == 0 {
                        found.append(position)
                        index = position + needle.count
                    } else {
                        index = position + 1
                    }
                }
                return found
            }
        }
        guard !matches.isEmpty else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + matches.count * max(0, Self.placeholderBytes.count - token.count))
        var copiedUpTo = 0
        for position in matches {
            output.append(contentsOf: bytes[copiedUpTo..<position])
            output.append(contentsOf: Self.placeholderBytes)
            copiedUpTo = position + token.count
        }
        output.append(contentsOf: bytes[copiedUpTo...])
        return output
    }

    func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let redacted = redact(bytes: bytes)
        return redacted.count == bytes.count && redacted == bytes ? text : String(decoding: redacted, as: UTF8.self)
    }

    /// `value` with the token replaced in every string and every object key, at any depth.
    func redact(_ value: JSONValue) -> JSONValue {
        guard token.count >= Self.minimumLength else { return value }
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let members):
            var result: [String: JSONValue] = [:]
            result.reserveCapacity(members.count)
            for (key, member) in members { result[redact(key)] = redact(member) }
            return .object(result)
        default: return value
        }
    }
}
