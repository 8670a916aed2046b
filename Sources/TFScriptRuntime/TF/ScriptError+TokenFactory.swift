import TokenFactory

extension ScriptError {
    /// An error from the client, as seen by a script calling `function`. Validation issues are
    /// named under the script's argument (`fields.region cannot be changed after creation`).
    init(_ error: TokenFactoryError, function: String, argument: String? = nil) {
        let kind: Kind
        switch error.kind {
        case .api: kind = .api
        case .validation: kind = .validation
        case .configuration: kind = .configuration
        default: kind = .transport
        }
        let detail: String
        if error.kind == .validation, !error.issues.isEmpty {
            detail = error.issues.map { issue in
                argument.map { issue.described(under: $0) } ?? issue.description
            }.joined(separator: "; ")
        } else {
            detail = error.description
        }
        self.init(
            kind: kind, message: "\(function): \(detail)", status: error.status,
            method: error.method, path: error.path, retryable: error.retryable)
        self.foundInDryRun = error.foundInDryRun
    }
}
