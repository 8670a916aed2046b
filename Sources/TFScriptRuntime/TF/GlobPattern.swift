/// A shell-style name pattern: `*` matches any run of characters, `?` one character,
/// everything else itself; the whole name must match.
///
/// Globs rather than Lua patterns because operators write `test-*` and mean it; in a Lua
/// pattern `-` is a quantifier and `test-*` would match surprising names. Scripts that want
/// Lua patterns filter the list themselves with `string.find`.
struct GlobPattern: Sendable, Equatable {
    let pattern: [Character]

    init(_ text: String) { pattern = Array(text) }

    func matches(_ name: String) -> Bool {
        let text = Array(name)
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
