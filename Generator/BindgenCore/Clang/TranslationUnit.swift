internal import CClang
import Foundation

/// An error from libclang itself (not a diagnostic about the parsed source).
public struct ClangError: Error, CustomStringConvertible, Equatable {
  public var description: String
}

/// A diagnostic libclang reported while parsing.
public struct ClangDiagnostic: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable { case note, warning, error, fatal }
  public var severity: Severity
  public var message: String
  public var location: SourceLocation
  public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Owns a `CXTranslationUnit` (and the index it was created from).
///
/// Cursors hold a strong reference to their translation unit, so the unit
/// is disposed only after the last cursor that points into it is gone.
final class TranslationUnit {
  let index: ClangIndex
  let raw: CXTranslationUnit
  /// The path given to libclang for the main file.
  let mainFile: String

  /// Parses `path` with `arguments`, recording a detailed preprocessing
  /// record so that macro definitions appear as cursors.
  init(parsing path: String, arguments: [String]) throws {
    let index = ClangIndex()
    self.index = index
    mainFile = path
    var unit: CXTranslationUnit?
    let options =
      CXTranslationUnit_DetailedPreprocessingRecord.rawValue
      | CXTranslationUnit_SkipFunctionBodies.rawValue
      | CXTranslationUnit_KeepGoing.rawValue
    let code = withCStrings(arguments) { argv in
      clang_parseTranslationUnit2(
        index.raw, path, argv, Int32(arguments.count), nil, 0, options, &unit)
    }
    guard code == CXError_Success, let unit else {
      throw ClangError(description: "libclang could not parse \(path) (CXErrorCode \(code.rawValue))")
    }
    raw = unit
  }

  deinit { clang_disposeTranslationUnit(raw) }

  var cursor: Cursor { Cursor(clang_getTranslationUnitCursor(raw), in: self) }

  /// Every diagnostic of the parse, in order. Each `CXDiagnostic` is
  /// disposed right after it has been read.
  var diagnostics: [ClangDiagnostic] {
    (0..<clang_getNumDiagnostics(raw)).map { i in
      let diagnostic = clang_getDiagnostic(raw, i)
      defer { clang_disposeDiagnostic(diagnostic) }
      let severity: ClangDiagnostic.Severity
      switch clang_getDiagnosticSeverity(diagnostic) {
      case CXDiagnostic_Warning: severity = .warning
      case CXDiagnostic_Error: severity = .error
      case CXDiagnostic_Fatal: severity = .fatal
      default: severity = .note
      }
      return ClangDiagnostic(
        severity: severity,
        message: consume(clang_getDiagnosticSpelling(diagnostic)),
        location: SourceLocation(clang_getDiagnosticLocation(diagnostic)))
    }
  }

  /// Tokenizes `range`, copying each token's kind and spelling, and
  /// disposes libclang's token array before returning.
  func tokens(in range: CXSourceRange) -> [Token] {
    var pointer: UnsafeMutablePointer<CXToken>?
    var count: UInt32 = 0
    clang_tokenize(raw, range, &pointer, &count)
    guard let pointer else { return [] }
    defer { clang_disposeTokens(raw, pointer, count) }
    return (0..<Int(count)).map { i in
      let token = pointer[i]
      var line: UInt32 = 0
      clang_getSpellingLocation(clang_getTokenLocation(raw, token), nil, &line, nil, nil)
      return Token(
        kind: Token.Kind(clang_getTokenKind(token)),
        spelling: consume(clang_getTokenSpelling(raw, token)), line: Int(line))
    }
  }
}

extension TranslationUnit {
  /// Every token of the main file, and the line ranges the preprocessor
  /// skipped (inactive `#if` branches). The range list is disposed here.
  func mainFileTokens() -> (tokens: [Token], skippedLines: [ClosedRange<Int>]) {
    guard let file = clang_getFile(raw, mainFile),
      let size = (try? FileManager.default.attributesOfItem(atPath: mainFile))?[.size] as? Int
    else {
      return ([], [])
    }
    let range = clang_getRange(
      clang_getLocationForOffset(raw, file, 0),
      clang_getLocationForOffset(raw, file, UInt32(size)))
    var skipped: [ClosedRange<Int>] = []
    if let list = clang_getSkippedRanges(raw, file) {
      defer { clang_disposeSourceRangeList(list) }
      for i in 0..<Int(list.pointee.count) {
        let range = list.pointee.ranges[i]
        let start = SourceLocation(clang_getRangeStart(range)).line, end = SourceLocation(clang_getRangeEnd(range)).line
        if start <= end { skipped.append(start...end) }
      }
    }
    return (tokens(in: range), skipped)
  }
}

/// Calls `body` with a C `argv` array for `strings`, valid only inside it.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
  let duplicated = strings.map { strdup($0) }
  defer { duplicated.forEach { free($0) } }
  let argv = duplicated.map { UnsafePointer($0) }
  return argv.withUnsafeBufferPointer { body($0.baseAddress!) }
}
