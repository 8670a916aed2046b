/// A Lua string: any bytes, NULs included, with a text view when they are UTF-8.
///
/// Kept as a thin wrapper over `[UInt8]` so binary data (gzip, signatures) crosses the
/// boundary unchanged and copying stays cheap.
public struct LuaString: Sendable, Hashable {
    /// The raw bytes.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// The bytes as text when they are valid UTF-8, nil otherwise.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// The bytes as text, invalid sequences replaced (for messages).
    public var lossyString: String { String(decoding: bytes, as: UTF8.self) }
}

extension LuaString: ExpressibleByStringLiteral, CustomStringConvertible {
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { lossyString }
}
