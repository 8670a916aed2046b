public import TFScriptJSON
import Glibc

/// One page of a list response, kept as the (redacted) bytes the server sent.
///
/// The API's list shape is not fixed (DESIGN.md §1): a bare array, or an object holding the
/// array under one of several keys, with `next_page_token`. Only the top level is read here
/// (``JSONSkim``): where the items array lies and the next page's token. The items themselves
/// are decoded by whoever consumes the page: straight into Lua tables for scripts, or into
/// `JSONValue`s for typed callers, so a large page is never held twice.
public struct ListPageBytes: Sendable {
    /// The response body, redacted. Contains no backslash escapes when it came from the
    /// server that way; otherwise it was re-encoded from its redacted parse (see init).
    public let body: [UInt8]
    /// The range of the items array's text in ``body`` (brackets included); nil for a page
    /// without items (`{}`, `{"endpoints": null}`).
    public let items: Range<Int>?
    /// The token for the next page; nil on the last page.
    public let nextPageToken: String?

    /// - Parameters:
    ///   - bytes: the body after byte-level redaction.
    ///   - keys: where an object response may hold its array, in order of preference.
    ///   - redactor: used when the body has escape sequences, which could spell the token in
    ///     a way byte redaction cannot see (`\u0074k-…`): such a body is parsed, redacted as
    ///     values and re-encoded before any consumer decodes it.
    init(redacted bytes: [UInt8], keys: [String], redactor: TokenRedactor) throws(TokenFactoryError) {
        var body = bytes
        let hasEscapes = body.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { memchr($0, Int32(UInt8(ascii: "\\")), buffer.count) != nil } ?? false }
        if hasEscapes {
            do throws(JSONError) {
                body = redactor.redact(try JSONValue(parsing: body)).serializedBytes()
            } catch {
                throw TokenFactoryError(kind: .decoding, message: "response body is not valid JSON (\(error.message)\(error.offset.map { " at byte \($0)" } ?? ""))")
            }
        }
        let shape: JSONSkim.Shape
        do throws(JSONError) { shape = try JSONSkim.topLevel(body) } catch {
            throw TokenFactoryError(kind: .decoding, message: "response body is not valid JSON (\(error.message)\(error.offset.map { " at byte \($0)" } ?? ""))")
        }
        self.body = body
        switch shape {
        case .array(let range):
            items = range
            nextPageToken = nil
        case .scalar:
            throw TokenFactoryError(kind: .decoding, message: "expected a list (array or object), got \(Self.describeScalar(body))")
        case .object(let members):
            var found: Range<Int>??
            for key in keys {
                guard let range = members[key] else { continue }
                switch body[range.lowerBound] {
                case UInt8(ascii: "["): found = .some(range)
                case UInt8(ascii: "n"): found = .some(nil)
                default: continue
                }
                break
            }
            guard let found else {
                // `{}` or `{"next_page_token": ""}`: an empty list whose key was omitted.
                let keysSeen = members.keys.sorted()
                guard keysSeen.allSatisfy({ ["next_page_token", "nextPageToken", "total_size"].contains($0) }) else {
                    throw TokenFactoryError(kind: .decoding, message: "list response has none of \(keys.joined(separator: ", ")) (keys: \(keysSeen.joined(separator: ", ")))")
                }
                items = nil
                nextPageToken = nil
                return
            }
            items = found
            let tokenRange = members["next_page_token"] ?? members["nextPageToken"]
            let token = tokenRange.flatMap { try? JSONValue(parsing: body[$0]).stringValue }
            nextPageToken = (token?.isEmpty ?? true) ? nil : token
        }
    }

    /// A page holding `items` and no next page (a list that did not come from the API as
    /// text: a custom control plane's, or the dry-run overlay's).
    public init(items: [JSONValue]) {
        body = JSONValue.array(items).serializedBytes()
        self.items = 0..<body.count
        nextPageToken = nil
    }

    /// The items as JSON values (for typed callers: templates, the dry-run overlay, apply).
    public func itemValues() throws(TokenFactoryError) -> [JSONValue] {
        guard let items else { return [] }
        do throws(JSONError) {
            return try JSONValue(parsing: body[items]).arrayValue ?? []
        } catch {
            throw TokenFactoryError(kind: .decoding, message: "list items are not valid JSON (\(error.message)\(error.offset.map { " at byte \($0 + items.lowerBound)" } ?? ""))")
        }
    }

    private static func describeScalar(_ body: [UInt8]) -> String {
        (try? JSONValue(parsing: body)).map(FieldChecker.show) ?? "something else"
    }
}
