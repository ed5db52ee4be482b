/// Shapes of a page both readers (roff and AsciiDoc) recognise the same way.
enum ManPageShapes {
  /// The option value's type from a prototype: the type of a parameter
  /// named `option_value` unless it is a pointer, or the return type when
  /// no parameter carries the value (`int zmq_ctx_get (void *context, int
  /// option_name);`).
  static func valueType(fromSynopsis synopsis: String) -> String? {
    let text = Roff.normalizeWhitespace(synopsis)
    guard let open = text.firstIndex(of: "("), let close = text[open...].firstIndex(of: ")") else { return nil }
    let parameters = text[text.index(after: open)..<close].split(separator: ",").map {
      Roff.normalizeWhitespace(String($0))
    }
    for parameter in parameters where parameter.hasSuffix("option_value") {
      let type = Roff.normalizeWhitespace(String(parameter.dropLast("option_value".count)))
      return type.hasSuffix("*") || type.isEmpty ? nil : type
    }
    let head = Roff.normalizeWhitespace(String(text[..<open]))
    guard let nameStart = head.lastIndex(of: " ") else { return nil }
    let returnType = Roff.normalizeWhitespace(String(head[..<nameStart]))
    return returnType.isEmpty || returnType.hasSuffix("*") ? nil : returnType
  }
}
