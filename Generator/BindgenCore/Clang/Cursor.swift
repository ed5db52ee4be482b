internal import CClang

/// A libclang cursor. `CXCursor` itself needs no disposal, but it points
/// into its translation unit, which this value keeps alive.
struct Cursor {
  let raw: CXCursor
  let unit: TranslationUnit

  init(_ raw: CXCursor, in unit: TranslationUnit) {
    self.raw = raw
    self.unit = unit
  }

  var kind: CXCursorKind { clang_getCursorKind(raw) }
  var spelling: String { consume(clang_getCursorSpelling(raw)) }
  var location: SourceLocation { SourceLocation(clang_getCursorLocation(raw)) }
  var isFromMainFile: Bool { clang_Location_isFromMainFile(clang_getCursorLocation(raw)) != 0 }
  var isMacroFunctionLike: Bool { clang_Cursor_isMacroFunctionLike(raw) != 0 }
  var isDefinition: Bool { clang_isCursorDefinition(raw) != 0 }

  /// The tokens of the cursor's source range (for a macro definition: the
  /// name, then the parameter list if function-like, then the body).
  var tokens: [Token] { unit.tokens(in: clang_getCursorExtent(raw)) }

  var type: ClangType { ClangType(clang_getCursorType(raw)) }
  var resultType: ClangType { ClangType(clang_getCursorResultType(raw)) }
  var typedefUnderlyingType: ClangType { ClangType(clang_getTypedefDeclUnderlyingType(raw)) }

  /// The parameters of a function declaration, in order.
  var arguments: [Cursor] {
    let count = clang_Cursor_getNumArguments(raw)
    guard count > 0 else { return [] }
    return (0..<UInt32(count)).map { Cursor(clang_Cursor_getArgument(raw, $0), in: unit) }
  }

  /// The direct children, in source order.
  var children: [Cursor] {
    final class Collector {
      var cursors: [CXCursor] = []
    }
    let collector = Collector()
    withExtendedLifetime(collector) {
      let context = Unmanaged.passUnretained(collector).toOpaque()
      _ = clang_visitChildren(
        raw,
        { child, _, context in
          Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue().cursors.append(child)
          return CXChildVisit_Continue
        }, context)
    }
    return collector.cursors.map { Cursor($0, in: unit) }
  }
}

/// A libclang type, reduced to what the model records.
struct ClangType {
  let raw: CXType
  init(_ raw: CXType) { self.raw = raw }
  var spelling: String { consume(clang_getTypeSpelling(raw)) }
  var kind: CXTypeKind { raw.kind }
  var isFunctionPointer: Bool {
    raw.kind == CXType_Pointer && clang_getPointeeType(raw).kind == CXType_FunctionProto
  }
}
