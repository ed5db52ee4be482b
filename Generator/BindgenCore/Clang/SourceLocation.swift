internal import CClang

/// A position in a source file: the file's path as libclang saw it, line and column.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  init(_ location: CXSourceLocation) {
    var file: CXFile?
    var line: UInt32 = 0, column: UInt32 = 0, offset: UInt32 = 0
    clang_getSpellingLocation(location, &file, &line, &column, &offset)
    self.file = file.map { consume(clang_getFileName($0)) } ?? ""
    self.line = Int(line)
    self.column = Int(column)
  }

  public var description: String { "\(file):\(line):\(column)" }
}
