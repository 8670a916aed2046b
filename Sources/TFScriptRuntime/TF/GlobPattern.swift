/// A shell-style name pattern: `*` matches any run of characters, `?` one character,
/// everything else itself; the whole name must match.
///
/// Globs rather than Lua patterns because operators write `test-*` and mean it; in a Lua
/// pattern `-` is a quantifier and `test-*` would match surprising names. Scripts that want
/// Lua patterns filter the list themselves with `string.find`.
///
/// Matching is linear in the name: the pattern runs as a set of positions (one bit each)
/// advanced once per character of the name, so no name or pattern a script or a server
/// chooses can make it backtrack (the classic star-backtracking matcher is O(name × pattern):
/// `*a*a*…*b` against a long run of `a`). Patterns are at most ``maxLength`` characters,
/// which bounds the bits per step.
struct GlobPattern: Sendable, Equatable {
    /// The longest pattern, in characters. Endpoint names are short; a longer pattern is a
    /// mistake or an attack, and refused where a script gives one.
    static let maxLength = 1024

    /// The pattern with runs of `*` collapsed to one (same language, fewer positions).
    let pattern: [Character]

    init(_ text: String) {
        var collapsed: [Character] = []
        for character in text where !(character == "*" && collapsed.last == "*") { collapsed.append(character) }
        pattern = collapsed
    }

    /// Characters that must be present in any name that matches.
    private var fixedCount: Int { pattern.count { $0 != "*" } }

    func matches(_ name: String) -> Bool {
        // Too few characters for the pattern's fixed ones: no match, without walking the name
        // (this also bounds the work for a pattern much longer than the name).
        if name.count < fixedCount { return false }
        let wordCount = (pattern.count + 1 + 63) / 64 // position i: pattern[..<i] matched
        func bit(_ index: Int) -> (word: Int, mask: UInt64) { (index >> 6, 1 << UInt64(index & 63)) }
        // Shift-and: per character, the positions whose pattern character accepts it.
        var stars = [UInt64](repeating: 0, count: wordCount)
        var anyCharacter = stars
        var accepting: [Character: [UInt64]] = [:]
        for (index, character) in pattern.enumerated() {
            let (word, mask) = bit(index)
            if character == "*" { stars[word] |= mask } else if character == "?" { anyCharacter[word] |= mask }
        }
        for character in pattern where character != "*" && character != "?" { accepting[character] = anyCharacter }
        for (index, character) in pattern.enumerated() where character != "*" && character != "?" {
            let (word, mask) = bit(index)
            accepting[character]![word] |= mask
        }
        var states = [UInt64](repeating: 0, count: wordCount)
        states[0] = 1
        Self.close(&states, stars: stars)
        var next = states
        for character in name {
            let accepts = accepting[character] ?? anyCharacter
            var carry: UInt64 = 0
            var alive: UInt64 = 0
            for word in 0..<wordCount {
                let advancing = states[word] & accepts[word]
                next[word] = (states[word] & stars[word]) | (advancing << 1) | carry
                carry = advancing >> 63
            }
            Self.close(&next, stars: stars)
            for word in 0..<wordCount { alive |= next[word] }
            if alive == 0 { return false }
            swap(&states, &next)
        }
        let (word, mask) = bit(pattern.count)
        return states[word] & mask != 0
    }

    /// A star matches nothing too: a position on a star also holds the position after it
    /// (stars never follow each other, so one shifted step is the whole closure).
    private static func close(_ set: inout [UInt64], stars: [UInt64]) {
        var carry: UInt64 = 0
        for word in 0..<set.count {
            let onStars = set[word] & stars[word]
            set[word] |= (onStars << 1) | carry
            carry = onStars >> 63
        }
    }
}
