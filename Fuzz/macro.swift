// libFuzzer target: the generator's macro evaluator. The input is split
// into tokens on spaces (identifiers, literals, punctuation), the first
// line defines macros A…D for references; any input must evaluate or fail
// with a reason — never crash, overflow the stack or loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMacro(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  func tokens(_ line: Substring) -> [Token] {
    line.split(separator: " ").map { word in
      let s = String(word)
      if let first = s.first, first.isNumber || first == "'" || first == "\"" {
        return Token(kind: .literal, spelling: s)
      }
      if let first = s.first, first.isLetter || first == "_" { return Token(kind: .identifier, spelling: s) }
      return Token(kind: .punctuation, spelling: s)
    }
  }
  let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
  var definitions: [String: MacroEvaluator.Definition] = [:]
  if lines.count == 2 {
    for (name, body) in zip(["A", "B", "C", "D"], lines[0].split(separator: ";")) {
      definitions[name] = .init(parameters: name == "D" ? ["x"] : nil, body: tokens(body))
    }
  }
  _ = try? MacroEvaluator(definitions: definitions).evaluate(tokens(lines.last ?? ""))
  return 0
}
