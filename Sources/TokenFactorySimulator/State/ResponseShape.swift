/// How the simulator shapes its responses.
///
/// The real API's shapes are not fully documented (DESIGN.md §1), so the simulator can speak each
/// variant the client must tolerate; tests switch shapes to prove the tolerance.
public struct ResponseShape: Sendable, Hashable {
    /// Where a reported state goes.
    public enum StateField: Sendable, Hashable {
        /// `"status": "running"`
        case status
        /// `"state": "running"`
        case state
        /// `"deployment": {"status": "running"}`
        case deploymentStatus
        /// `"status": {"state": "RUNNING"}`
        case statusObject
    }

    /// Key holding the array in list responses; nil answers a bare array (and disables paging).
    public var listKey: String?
    /// `endpoint_id` or `id`.
    public var idKey: String
    public var state: StateField

    public init(listKey: String? = "endpoints", idKey: String = "endpoint_id", state: StateField = .status) {
        self.listKey = listKey
        self.idKey = idKey
        self.state = state
    }

    /// The documented shape: `{"endpoints": [...], "next_page_token": ...}`, `endpoint_id`, `status`.
    public static let standard = ResponseShape()
}
