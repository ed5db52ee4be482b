internal import CClang

/// A preprocessor token, copied out of libclang.
public struct Token: Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    case punctuation, keyword, identifier, literal, comment

    init(_ kind: CXTokenKind) {
      switch kind {
      case CXToken_Punctuation: self = .punctuation
      case CXToken_Keyword: self = .keyword
      case CXToken_Identifier: self = .identifier
      case CXToken_Literal: self = .literal
      default: self = .comment
      }
    }
  }

  public var kind: Kind
  public var spelling: String
  /// The line the token starts on (0 when made up by the evaluator).
  public var line: Int

  public init(kind: Kind, spelling: String, line: Int = 0) {
    self.kind = kind
    self.spelling = spelling
    self.line = line
  }

  public static func == (a: Token, b: Token) -> Bool { a.kind == b.kind && a.spelling == b.spelling }

  public var description: String { spelling }
}
