internal import CClang

/// Owns a `CXIndex`, the root object of every libclang session.
final class ClangIndex {
  let raw: CXIndex

  init() {
    // excludeDeclarationsFromPCH: 0, displayDiagnostics: 0 (we collect them).
    raw = clang_createIndex(0, 0)
  }

  deinit { clang_disposeIndex(raw) }
}
