import Foundation

extension HeaderModel {
  /// Pretty, sorted-key JSON of the whole model.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  /// Counts by kind, for `dump --summary`.
  public var summary: String {
    var integer = 0, string = 0, empty = 0, functionLike = 0, unevaluated = 0
    var draft = 0
    for macro in macros {
      if macro.availability == .draft { draft += 1 }
      switch macro.value {
      case .integer: integer += 1
      case .string: string += 1
      case .empty: empty += 1
      case .functionLike: functionLike += 1
      case .unevaluated: unevaluated += 1
      }
    }
    let draftFunctions = functions.filter { $0.availability == .draft }.count
    return """
      header: \(header) (libzmq \(version?.description ?? "unknown"))
      macros: \(macros.count) (\(draft) draft): \(integer) integer, \(string) string, \(empty) empty, \
      \(functionLike) function-like, \(unevaluated) not evaluated
      functions: \(functions.count) (\(draftFunctions) draft)
      structs: \(structs.count), typedefs: \(typedefs.count)
      errno.h codes seen: \(systemIntegers.count)
      diagnostics: \(diagnostics.count)
      """
  }

  /// One line per item, for `dump`.
  public var listing: String {
    var lines: [String] = []
    for macro in macros {
      let value: String
      switch macro.value {
      case .integer(let v): value = String(v)
      case .string(let s): value = "\"\(s)\""
      case .empty: value = "(empty)"
      case .functionLike(let parameters): value = "(function-like: \(parameters.joined(separator: ", ")))"
      case .unevaluated(let reason): value = "(not evaluated: \(reason))"
      }
      let undefined = macro.undefinedAt.map { ", #undef at line \($0)" } ?? ""
      lines.append("macro \(macro.name) = \(value)  [\(macro.availability.rawValue), line \(macro.line)\(undefined)]")
    }
    for function in functions {
      let parameters = function.parameters.map { "\($0.type) \($0.name)" }.joined(separator: ", ")
      lines.append(
        "function \(function.returnType) \(function.name)(\(parameters))  [\(function.availability.rawValue), line \(function.line)]"
      )
    }
    for s in structs {
      lines.append(
        "struct \(s.name) { \(s.fields.map { "\($0.type) \($0.name);" }.joined(separator: " ")) }  [\(s.availability.rawValue), line \(s.line)]"
      )
    }
    for t in typedefs {
      lines.append("typedef \(t.underlyingType) \(t.name)  [\(t.availability.rawValue), line \(t.line)]")
    }
    lines += diagnostics.map { "diagnostic \($0)" }
    return lines.joined(separator: "\n")
  }
}
