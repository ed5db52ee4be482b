/// Evaluates the body of an object-like macro from its tokens.
///
/// Supported: decimal, hex and octal integer literals (with `u`/`l`
/// suffixes), character literals, string literals (adjacent ones
/// concatenated), parentheses, unary `- + ~ !`, binary `* / % + - << >> & ^ |`,
/// references to other object-like macros and invocations of function-like
/// macros (their bodies expanded with the arguments substituted). Anything
/// else is reported with a reason, never guessed.
public struct MacroEvaluator {
  /// A definition visible to the evaluator: object-like (`parameters == nil`) or function-like.
  public struct Definition: Sendable {
    public var parameters: [String]?
    public var body: [Token]
    public init(parameters: [String]?, body: [Token]) {
      self.parameters = parameters
      self.body = body
    }
  }

  public struct Failure: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
  }

  /// Definitions by name. The evaluator reads the last definition of a
  /// name, as a C file including the header would see it.
  public var definitions: [String: Definition]

  public init(definitions: [String: Definition]) {
    self.definitions = definitions
  }

  public enum Result: Equatable {
    case integer(Int64)
    case string(String)
    case empty
  }

  /// Evaluates `tokens` (a macro body).
  public func evaluate(_ tokens: [Token]) throws(Failure) -> Result {
    if tokens.isEmpty { return .empty }
    if tokens.allSatisfy({ $0.kind == .literal && $0.spelling.hasPrefix("\"") }) {
      var text = ""
      for token in tokens { text += try Self.unquote(token.spelling) }
      return .string(text)
    }
    var expanded = try expand(tokens, depth: 0, active: [])
    // A body that expands to a single string literal (an alias of a string macro).
    if expanded.count >= 1, expanded.allSatisfy({ $0.kind == .literal && $0.spelling.hasPrefix("\"") }) {
      var text = ""
      for token in expanded { text += try Self.unquote(token.spelling) }
      return .string(text)
    }
    expanded.removeAll { $0.kind == .comment }
    var parser = ExpressionParser(tokens: expanded)
    let value = try parser.parseExpression()
    guard parser.atEnd else {
      throw Failure(reason: "unexpected token '\(parser.current!.spelling)' in constant expression")
    }
    return .integer(value)
  }

  /// Replaces macro names with their bodies (recursively, with C's rule
  /// that a macro is not expanded inside its own expansion).
  func expand(_ tokens: [Token], depth: Int, active: Set<String>) throws(Failure) -> [Token] {
    guard depth < 64 else { throw Failure(reason: "macro expansion nested too deeply") }
    var output: [Token] = []
    var i = 0
    while i < tokens.count {
      let token = tokens[i]
      guard token.kind == .identifier, !active.contains(token.spelling) else {
        if token.kind == .identifier {
          throw Failure(reason: "macro '\(token.spelling)' refers to itself")
        }
        output.append(token)
        i += 1
        continue
      }
      guard let definition = definitions[token.spelling] else {
        throw Failure(reason: "refers to unknown name '\(token.spelling)'")
      }
      if let parameters = definition.parameters {
        // A function-like macro needs an argument list.
        guard i + 1 < tokens.count, tokens[i + 1].spelling == "(" else {
          throw Failure(reason: "function-like macro '\(token.spelling)' used without arguments")
        }
        let (arguments, next) = try Self.arguments(tokens, openingAt: i + 1)
        guard arguments.count == parameters.count || (parameters.isEmpty && arguments == [[]]) else {
          throw Failure(reason: "'\(token.spelling)' takes \(parameters.count) arguments, got \(arguments.count)")
        }
        var substituted: [Token] = []
        for bodyToken in definition.body {
          if bodyToken.kind == .identifier, let index = parameters.firstIndex(of: bodyToken.spelling) {
            substituted +=
              [Token(kind: .punctuation, spelling: "(")] + arguments[index]
              + [Token(kind: .punctuation, spelling: ")")]
          } else if bodyToken.spelling == "#" || bodyToken.spelling == "##" {
            throw Failure(reason: "'\(token.spelling)' uses the preprocessor operator \(bodyToken.spelling)")
          } else {
            substituted.append(bodyToken)
          }
        }
        output += try expand(substituted, depth: depth + 1, active: active.union([token.spelling]))
        i = next
      } else {
        output += try expand(definition.body, depth: depth + 1, active: active.union([token.spelling]))
        i += 1
      }
    }
    return output
  }

  /// Splits the parenthesised argument list starting at `open`; returns
  /// the arguments and the index after the closing parenthesis.
  static func arguments(_ tokens: [Token], openingAt open: Int) throws(Failure) -> ([[Token]], Int) {
    var arguments: [[Token]] = [[]]
    var depth = 0
    var i = open
    while i < tokens.count {
      let spelling = tokens[i].spelling
      if spelling == "(" {
        depth += 1
        if depth > 1 { arguments[arguments.count - 1].append(tokens[i]) }
      } else if spelling == ")" {
        depth -= 1
        if depth == 0 { return (arguments, i + 1) }
        arguments[arguments.count - 1].append(tokens[i])
      } else if spelling == "," && depth == 1 {
        arguments.append([])
      } else {
        arguments[arguments.count - 1].append(tokens[i])
      }
      i += 1
    }
    throw Failure(reason: "unterminated macro argument list")
  }

  /// Removes the quotes of a C string literal and resolves its escapes.
  static func unquote(_ literal: String) throws(Failure) -> String {
    guard literal.count >= 2, literal.first == "\"", literal.last == "\"" else {
      throw Failure(reason: "unsupported string literal \(literal)")
    }
    var result = ""
    var iterator = literal.dropFirst().dropLast().makeIterator()
    while let character = iterator.next() {
      guard character == "\\" else { result.append(character); continue }
      switch iterator.next() {
      case "n": result.append("\n")
      case "t": result.append("\t")
      case "r": result.append("\r")
      case "0": result.append("\0")
      case "\\": result.append("\\")
      case "\"": result.append("\"")
      case "'": result.append("'")
      case let other?: throw Failure(reason: "unsupported escape \\\(other) in \(literal)")
      case nil: throw Failure(reason: "string literal ends in a backslash")
      }
    }
    return result
  }
}

/// Recursive-descent parser of C integer constant expressions, with C's
/// precedence for the operators the evaluator supports.
struct ExpressionParser {
  let tokens: [Token]
  var position = 0
  /// How deep parentheses and unary operators are nested right now; the
  /// parser recurses on both, so hostile input could otherwise exhaust
  /// the stack (found by Fuzz/macro.swift).
  var depth = 0
  static let maximumDepth = 256

  init(tokens: [Token]) { self.tokens = tokens }

  var atEnd: Bool { position >= tokens.count }
  var current: Token? { atEnd ? nil : tokens[position] }

  typealias Failure = MacroEvaluator.Failure

  private static let binaryLevels: [[String]] = [
    ["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
  ]

  mutating func parseExpression() throws(Failure) -> Int64 {
    try parseBinary(level: 0)
  }

  private mutating func parseBinary(level: Int) throws(Failure) -> Int64 {
    guard level < Self.binaryLevels.count else { return try parseUnary() }
    var lhs = try parseBinary(level: level + 1)
    while let op = current?.spelling, Self.binaryLevels[level].contains(op) {
      position += 1
      let rhs = try parseBinary(level: level + 1)
      lhs = try Self.apply(op, lhs, rhs)
    }
    return lhs
  }

  private static func apply(_ op: String, _ lhs: Int64, _ rhs: Int64) throws(Failure) -> Int64 {
    func checked(_ pair: (partialValue: Int64, overflow: Bool)) throws(Failure) -> Int64 {
      if pair.overflow { throw Failure(reason: "integer overflow in '\(lhs) \(op) \(rhs)'") }
      return pair.partialValue
    }
    switch op {
    case "|": return lhs | rhs
    case "^": return lhs ^ rhs
    case "&": return lhs & rhs
    case "<<", ">>":
      guard (0..<63).contains(rhs) else { throw Failure(reason: "shift by \(rhs) is out of range") }
      return op == "<<" ? try checked(lhs.multipliedReportingOverflow(by: 1 << rhs)) : lhs >> rhs
    case "+": return try checked(lhs.addingReportingOverflow(rhs))
    case "-": return try checked(lhs.subtractingReportingOverflow(rhs))
    case "*": return try checked(lhs.multipliedReportingOverflow(by: rhs))
    case "/", "%":
      guard rhs != 0 else { throw Failure(reason: "division by zero") }
      return op == "/" ? lhs / rhs : lhs % rhs
    default: throw Failure(reason: "unsupported operator \(op)")
    }
  }

  private mutating func parseUnary() throws(Failure) -> Int64 {
    guard let token = current else { throw Failure(reason: "expression ends early") }
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else {
      throw Failure(reason: "expression nested more than \(Self.maximumDepth) levels deep")
    }
    switch token.spelling {
    case "-":
      position += 1
      let value = try parseUnary()
      guard value != .min else { throw Failure(reason: "integer overflow negating \(value)") }
      return -value
    case "+":
      position += 1
      return try parseUnary()
    case "~":
      position += 1
      return ~(try parseUnary())
    case "!":
      position += 1
      return try parseUnary() == 0 ? 1 : 0
    case "(":
      position += 1
      let value = try parseExpression()
      guard current?.spelling == ")" else { throw Failure(reason: "missing ')'") }
      position += 1
      return value
    default:
      position += 1
      if token.kind == .literal { return try Self.integerLiteral(token.spelling) }
      if token.kind == .keyword {
        throw Failure(reason: "'\(token.spelling)' is not part of an integer constant (casts are not evaluated)")
      }
      throw Failure(reason: "unexpected token '\(token.spelling)' in constant expression")
    }
  }

  /// Parses a C integer or character literal.
  static func integerLiteral(_ spelling: String) throws(Failure) -> Int64 {
    if spelling.hasPrefix("'") {
      let inner = spelling.dropFirst().dropLast()
      guard spelling.hasSuffix("'"), inner.unicodeScalars.count == 1, let scalar = inner.unicodeScalars.first else {
        throw Failure(reason: "unsupported character literal \(spelling)")
      }
      return Int64(scalar.value)
    }
    var digits = Substring(spelling.lowercased())
    while let last = digits.last, last == "u" || last == "l" { digits.removeLast() }
    let radix: Int
    if digits.hasPrefix("0x") {
      radix = 16
      digits = digits.dropFirst(2)
    } else if digits.hasPrefix("0b") {
      radix = 2
      digits = digits.dropFirst(2)
    } else if digits.count > 1 && digits.hasPrefix("0") {
      radix = 8
      digits = digits.dropFirst()
    } else {
      radix = 10
    }
    guard !digits.isEmpty else { throw Failure(reason: "malformed integer literal \(spelling)") }
    if let value = Int64(digits, radix: radix) { return value }
    if let value = UInt64(digits, radix: radix) {
      throw Failure(reason: "integer literal \(spelling) (\(value)) does not fit in 64-bit signed arithmetic")
    }
    throw Failure(reason: "malformed integer literal \(spelling)")
  }
}
