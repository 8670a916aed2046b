import TFScriptLuaHost

/// Tab completion candidates for the word before the cursor: globals and keywords, or the
/// fields of a table after `.` or `:` (`tf.endpoints.` lists `create`, `delete`, ...).
///
/// The word is everything back to the last character that cannot be part of a name path
/// (libedit is told not to break words at `.` and `:`), so candidates are whole paths.
enum ReplCompletion {
    static let keywords = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// Where the word splits: the table path before the last `.`/`:`, and the name prefix.
    struct Word: Equatable {
        var path: [String]
        /// The word up to and including the last `.` or `:` (kept in each candidate).
        var base: String
        var prefix: String
    }

    /// Splits `word` (e.g. `tf.endpoints.li`); nil when it is not a name path.
    static func parse(_ word: String) -> Word? {
        guard let split = word.lastIndex(where: { $0 == "." || $0 == ":" }) else {
            return isNamePrefix(word) ? Word(path: [], base: "", prefix: word) : nil
        }
        let head = word[..<split]
        let prefix = String(word[word.index(after: split)...])
        let path = head.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard isNamePrefix(prefix), path.allSatisfy({ !$0.isEmpty && isNamePrefix($0) && !$0.first!.isNumber }),
              !head.contains(":") else { return nil }
        return Word(path: path, base: String(word[...split]), prefix: prefix)
    }

    /// The completed words for `word`, sorted; reads the state rawly (call on its thread).
    static func candidates(for word: String, in state: LuaState) -> [String] {
        guard let parsed = parse(word) else { return [] }
        var names = state.fieldNames(at: parsed.path)
        if parsed.path.isEmpty { names += keywords }
        // Names starting with `__` (metamethods, internals) only when the user typed `_`.
        let showHidden = parsed.prefix.hasPrefix("_")
        let matches = Set(names.filter { $0.hasPrefix(parsed.prefix) && (showHidden || !$0.hasPrefix("__")) })
        return matches.sorted().map { parsed.base + $0 }
    }

    /// The longest prefix all candidates share.
    static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    private static func isNamePrefix(_ text: some StringProtocol) -> Bool {
        text.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
