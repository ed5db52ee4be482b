/// Emits `enum ZMQ`'s raw constants: every integer (and string) `ZMQ_*`
/// macro of the header, and the error codes the spec lists.
struct ConstantsEmitter {
  let context: GenerationContext

  func emit() -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["spec/groups.yaml"]).banner)
    // POSIX error codes are taken from the platform's headers through CZeroMQ.
    writer.line("internal import CZeroMQ")
    writer.line()
    writer.block("extension ZMQ") { w in
      var first = true
      for macro in context.zmqMacros {
        let name = SwiftNaming.constantName(macro.name)
        let declaration: String
        switch macro.value {
        case .integer(let value):
          declaration = "public static let \(name): \(SwiftLiteral.integerType(for: value)) = \(value)"
        case .string(let value):
          declaration = "public static let \(name): String = \(SwiftLiteral.string(value))"
        default:
          continue
        }
        if !first { w.line() }
        first = false
        w.doc(
          "`\(macro.name)`\(macro.body == "\(macro.integerValue ?? .min)" ? "" : " = `\(macro.body)`")\(macro.availability == .draft ? " (draft API)" : "")"
        )
        w.line(declaration)
      }
      for code in context.errorCodes {
        w.line()
        w.doc("`\(code.name)`: \(code.origin)")
        w.line("public static let \(code.name): Int32 = \(code.swiftValue)")
      }
    }
    return GeneratedFile(path: context.libraryDirectory + "/Constants.swift", contents: writer.text)
  }
}
