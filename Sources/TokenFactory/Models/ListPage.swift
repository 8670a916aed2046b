internal import TFScriptJSON

/// One page of a list response, whatever its shape: a bare array, or an object holding the array
/// under one of a few keys, with an optional `next_page_token`.
struct ListPage {
    var items: [JSONValue]
    var nextPageToken: String?

    init(_ body: JSONValue, keys: [String]) throws(TokenFactoryError) {
        if let array = body.arrayValue {
            items = array
            nextPageToken = nil
            return
        }
        guard body.objectValue != nil else {
            throw TokenFactoryError(kind: .decoding, message: "expected a list (array or object), got \(FieldChecker.show(body))")
        }
        var found: [JSONValue]?
        for key in keys {
            if let array = body[key]?.arrayValue { found = array; break }
            if body[key]?.isNull == true { found = []; break }
        }
        guard let found else {
            // `{}` or `{"next_page_token": ""}`: an empty list whose key was omitted.
            let keysSeen = body.objectValue?.keys.sorted() ?? []
            if keysSeen.allSatisfy({ ["next_page_token", "nextPageToken", "total_size"].contains($0) }) {
                items = []
                nextPageToken = nil
                return
            }
            throw TokenFactoryError(kind: .decoding, message: "list response has none of \(keys.joined(separator: ", ")) (keys: \(keysSeen.joined(separator: ", ")))")
        }
        items = found
        let token = body["next_page_token"]?.stringValue ?? body["nextPageToken"]?.stringValue
        nextPageToken = (token?.isEmpty ?? true) ? nil : token
    }
}
