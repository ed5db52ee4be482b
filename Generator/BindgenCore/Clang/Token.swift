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

  public init(kind: Kind, spelling: String) {
    self.kind = kind
    self.spelling = spelling
  }

  public var description: String { spelling }
}
