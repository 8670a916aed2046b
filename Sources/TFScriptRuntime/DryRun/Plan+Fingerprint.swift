import TFScriptJSON

extension Plan {
    /// A short, stable identity of this plan's content (FNV-1a 64 of its JSON form), written
    /// with each journal intent of `tfscript apply` so that `apply --journal` resumes only the
    /// plan the journal was written for.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in json.serializedBytes() {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
