import Testing
import TokenFactory

/// Runs `body` and returns the ``TokenFactoryError`` it throws (nil when it succeeds).
func captureError(_ body: () async throws -> Void) async -> TokenFactoryError? {
    do {
        try await body()
        return nil
    } catch let error as TokenFactoryError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
