internal import TFScriptJSON
import Synchronization

/// Reads a list endpoint page by page, following `next_page_token`, and fetches the next page
/// while the caller works on the current one (a script decoding and filtering 1,000 endpoints
/// overlaps the next request's latency).
///
/// Bounded twice (issue 10, item 9): a token seen before fails at once (the server is
/// looping), and more than ``TokenFactoryClient/Configuration/maxPages`` pages fail with a
/// ``TokenFactoryError/Kind/limit`` error. Every page's body is charged to the caller's
/// ``ResponseBudget`` as it streams in (the prefetch inherits the caller's budget). Dropping
/// the reader cancels a prefetch in flight.
public final class ListPageReader: Sendable {
    private let client: TokenFactoryClient
    private let path: String
    private let keys: [String]

    private struct Progress {
        var pending: Task<ListPageBytes, any Error>?
        /// The budget the pending fetch spends (a snapshot of its starter's).
        var pendingBudget: ResponseBudget?
        var started = false
        var finished = false
        var pages = 0
        var seenTokens: Set<String> = []
    }
    private let progress = Mutex(Progress())

    init(client: TokenFactoryClient, path: String, keys: [String]) {
        self.client = client
        self.path = path
        self.keys = keys
    }

    deinit {
        progress.withLock { $0.pending?.cancel() }
    }

    /// The next page, or nil after the last one.
    public func next() async throws(TokenFactoryError) -> ListPageBytes? {
        let started: (task: Task<ListPageBytes, any Error>, budget: ResponseBudget?, ahead: Bool)? = progress.withLock { progress in
            if let pending = progress.pending {
                progress.pending = nil
                return (pending, progress.pendingBudget, true)
            }
            guard !progress.started, !progress.finished else { return nil }
            progress.started = true
            let budget = ResponseBudget.current
            return (fetch(token: nil, budget: budget), budget, false)
        }
        guard let (task, budget, ahead) = started else { return nil }
        let page: ListPageBytes
        do {
            page = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch let error as TokenFactoryError {
            progress.withLock { $0.finished = true }
            // A page fetched ahead ran out of the budget it was given: so did this caller.
            if error.kind == .limit, let budget, budget.isExhausted { ResponseBudget.current?.exhaust() }
            throw error
        } catch {
            progress.withLock { $0.finished = true }
            throw TokenFactoryError(kind: .transport, message: "cancelled while reading the list", method: "GET", path: path, retryable: true, cause: error)
        }
        // A page read ahead spent a snapshot of an earlier caller's budget: charge it to this one.
        if ahead, let current = ResponseBudget.current, !current.spend(bodyBytes: page.body.count) {
            progress.withLock { $0.finished = true }
            throw TokenFactoryError(
                kind: .limit, message: "stopped after a page of \(page.body.count) bytes: the caller's memory budget is exhausted",
                method: "GET", path: path, attempts: 1)
        }
        try progress.withLock { (progress: inout Progress) throws(TokenFactoryError) in
            progress.pages += 1
            guard let token = page.nextPageToken else {
                progress.finished = true
                return
            }
            guard progress.seenTokens.insert(token).inserted else {
                progress.finished = true
                throw TokenFactoryError(
                    kind: .decoding,
                    message: "page \(progress.pages) repeated an earlier next_page_token (\(token.prefix(80))); stopping to avoid an endless loop. "
                        + "The server's pagination is broken; report it",
                    method: "GET", path: path, attempts: 1)
            }
            guard progress.pages < client.configuration.maxPages else {
                progress.finished = true
                throw TokenFactoryError(
                    kind: .limit,
                    message: "stopped after \(progress.pages) pages (the cap on one list call) while the API still returned a next_page_token; "
                        + "the server may be looping. Raise Configuration.maxPages if the list is really that long",
                    method: "GET", path: path, attempts: 1)
            }
            let budget = ResponseBudget.current?.snapshot()
            progress.pendingBudget = budget
            progress.pending = fetch(token: token, budget: budget)
        }
        return page
    }

    private func fetch(token: String?, budget: ResponseBudget?) -> Task<ListPageBytes, any Error> {
        let client = client, path = path, keys = keys
        return Task {
            let query = token.map { ["page_token": $0] } ?? [:]
            let reply = try await ResponseBudget.$current.withValue(budget) {
                try await client.send("GET", path, idempotent: true, query: query, form: .listPage(keys: keys))
            }
            guard let page = reply.page else {
                throw TokenFactoryError(kind: .decoding, message: "expected a list (array or object), got an empty body", method: "GET", path: path, attempts: reply.attempts)
            }
            return page
        }
    }
}

extension TokenFactoryClient {
    /// Reads every page and converts each item (templates and typed callers; scripts read
    /// pages through ``ListPageReader`` directly).
    func collectPages<Item>(
        _ path: String, keys: [String], _ item: (JSONValue) throws(TokenFactoryError) -> Item
    ) async throws(TokenFactoryError) -> [Item] {
        let reader = ListPageReader(client: self, path: path, keys: keys)
        var items: [Item] = []
        while let page = try await reader.next() {
            for raw in try decode("GET", path, { () throws(TokenFactoryError) in try page.itemValues() }) {
                items.append(try decode("GET", path) { () throws(TokenFactoryError) in try item(raw) })
            }
        }
        return items
    }
}
