/// Where a binary came from: the commit, its date and the compiler, for `tfscript --version`.
///
/// scripts/build-release writes `BuildStamp+Generated.swift` (not in git) beside this file and
/// compiles with `-DTFSCRIPT_STAMPED`, so only release builds made by that script carry a stamp;
/// debug builds and `swift build` report none instead of a stale one. The date is the commit's
/// (or `SOURCE_DATE_EPOCH`), never the clock's, so building one commit twice gives the same bytes.
struct BuildStamp: Sendable {
    /// The full commit hash, with `-dirty` when the work tree had uncommitted changes.
    var commit: String
    /// ISO 8601, UTC.
    var date: String
    /// `swift --version`'s first line.
    var compiler: String
}

#if !TFSCRIPT_STAMPED
extension BuildStamp {
    /// Nil: this binary was not built by scripts/build-release.
    static let current: BuildStamp? = nil
}
#endif
