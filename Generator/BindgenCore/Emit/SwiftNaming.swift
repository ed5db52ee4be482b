/// Swift names for C names (`memberName`, `constantName`), keywords escaped.
public enum SwiftNaming {
  /// Words Swift does not accept as a bare member name.
  static let keywords: Set<String> = [
    "as", "associatedtype", "break", "case", "catch", "class", "continue", "default", "defer",
    "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for",
    "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "nil",
    "operator", "private", "protocol", "public", "repeat", "rethrows", "return", "self", "Self",
    "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
    "typealias", "var", "where", "while", "Type", "Protocol", "any", "some",
  ]

  /// `ZMQ_TCP_KEEPALIVE_IDLE` → `tcpKeepaliveIdle` (after removing `strip`,
  /// or `ZMQ_` when no strip prefix is given); keywords are escaped.
  public static func memberName(_ cName: String, strip: String? = nil) -> String {
    var base = Substring(cName)
    if let strip, base.hasPrefix(strip) {
      base = base.dropFirst(strip.count)
    } else if base.hasPrefix("ZMQ_") {
      base = base.dropFirst(4)
    }
    let words = base.split(separator: "_").map { $0.lowercased() }
    guard let first = words.first else { return cName }
    var name = first + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    if name.first?.isNumber == true { name = "_" + name }
    return escaped(name)
  }

  /// `ZMQ_PUSH` → `PUSH`: the raw constant's name on `enum ZMQ`.
  public static func constantName(_ cName: String) -> String {
    cName.hasPrefix("ZMQ_") ? String(cName.dropFirst(4)) : cName
  }

  public static func escaped(_ name: String) -> String {
    keywords.contains(name) ? "`\(name)`" : name
  }
}
