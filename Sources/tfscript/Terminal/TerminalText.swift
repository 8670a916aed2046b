import Foundation
import TFScript

/// What the user's terminal can show, read from the locale variables (as `setlocale` reads
/// them: `LC_ALL`, else `LC_CTYPE`, else `LANG`). Unset means the C locale: ASCII only.
enum TerminalText {
    static let isUTF8 = isUTF8(ProcessInfo.processInfo.environment)

    static func isUTF8(_ environment: [String: String]) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            let lowered = value.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8")
        }
        return false
    }
}

/// `1 operation`, `2 operations`: a count with its noun in the right number.
func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
}

extension PlanRenderer {
    /// The renderer for plans shown on stderr: `->` instead of `→` unless the locale is UTF-8.
    static var forStandardError: PlanRenderer { PlanRenderer(ascii: !TerminalText.isUTF8) }
}
