internal import CClang

/// Converts a `CXString` to a Swift `String` and disposes it.
///
/// Every `CXString` libclang hands out is owned by the caller; this is the
/// only place in the generator that disposes one, so each is disposed once.
func consume(_ string: CXString) -> String {
  defer { clang_disposeString(string) }
  guard let cString = clang_getCString(string) else { return "" }
  return String(cString: cString)
}
