internal import TFScriptJSON

extension TokenFactoryClient {
    /// Follows `next_page_token` from the first page until a page has none.
    ///
    /// Bounded twice (issue 10, item 9): a token seen before fails at once (the server is
    /// looping), and more than ``Configuration/maxPages`` pages fail with a ``TokenFactoryError/Kind/limit``
    /// error. Every page's body is also charged to the caller's ``ResponseBudget`` as it
    /// streams in, so a runaway listing stops when the caller's memory budget is spent.
    func collectPages<Item>(
        _ path: String, keys: [String], _ item: (JSONValue) throws(TokenFactoryError) -> Item
    ) async throws(TokenFactoryError) -> [Item] {
        var items: [Item] = []
        var pageToken: String?
        var seenTokens: Set<String> = []
        var pages = 0
        repeat {
            guard pages < configuration.maxPages else {
                throw TokenFactoryError(
                    kind: .limit,
                    message: "stopped after \(pages) pages (the cap on one list call) while the API still returned a next_page_token; "
                        + "the server may be looping. Raise Configuration.maxPages if the list is really that long",
                    method: "GET", path: path, attempts: 1)
            }
            pages += 1
            let query = pageToken.map { ["page_token": $0] } ?? [:]
            let reply = try await send("GET", path, query: query)
            let page = try decode("GET", path) { () throws(TokenFactoryError) in
                try ListPage(reply.body ?? .null, keys: keys)
            }
            for raw in page.items {
                items.append(try decode("GET", path) { () throws(TokenFactoryError) in try item(raw) })
            }
            pageToken = page.nextPageToken
            if let token = pageToken, !seenTokens.insert(token).inserted {
                throw TokenFactoryError(
                    kind: .decoding,
                    message: "page \(pages) repeated an earlier next_page_token (\(token.prefix(80))); stopping to avoid an endless loop. "
                        + "The server's pagination is broken; report it",
                    method: "GET", path: path, attempts: 1)
            }
        } while pageToken != nil
        return items
    }
}
