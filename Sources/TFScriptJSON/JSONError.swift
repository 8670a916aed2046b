/// Why a JSON text could not be read.
///
/// `offset` is the byte position where reading stopped, so a message can point at the
/// problem in a large response ("unexpected character at byte 1042").
public struct JSONError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int?

    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "invalid JSON at byte \(offset): \(message)" }
        return "invalid JSON: \(message)"
    }
}
