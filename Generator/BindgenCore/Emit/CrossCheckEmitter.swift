/// Emits a test comparing every generated raw constant with the C macro as
/// the Swift importer sees it through `CZeroMQ` (and errno.h), so a wrong
/// evaluation by the generator cannot go unnoticed.
struct CrossCheckEmitter {
  let context: GenerationContext

  /// Macros the Swift importer does not import, so they cannot be compared:
  /// those whose body calls a function-like macro (ZMQ_VERSION) and
  /// drafts (the library module is built without ZMQ_BUILD_DRAFT_API).
  func importable(_ macro: MacroDefinition) -> Bool {
    guard macro.availability == .stable, macro.integerValue != nil else { return false }
    let functionLike = Set(
      context.model.macros.compactMap { m -> String? in
        if case .functionLike = m.value { return m.name }
        return nil
      })
    return !macro.body.split(separator: " ").contains { functionLike.contains(String($0)) }
  }

  func emit() -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["spec/groups.yaml"]).banner)
    writer.line("import CZeroMQ")
    writer.line("import Testing")
    writer.line("@testable import ZeroMQ")
    writer.line("#if canImport(Glibc)")
    writer.line("import Glibc")
    writer.line("#elseif canImport(Darwin)")
    writer.line("import Darwin")
    writer.line("#endif")
    writer.line()
    let macros = context.zmqMacros.filter(importable)
    let skipped = context.zmqMacros.filter { $0.integerValue != nil && !importable($0) }
    writer.doc("Every generated constant equals the C macro of the same name.")
    if !skipped.isEmpty {
      writer.line("// Not importable into Swift, so not compared here: \(skipped.map(\.name).joined(separator: ", ")).")
    }
    writer.block("@Suite struct GeneratedConstantsMatchC") { w in
      w.block("@Test func zmqMacros()") { w in
        for macro in macros {
          let name = SwiftNaming.constantName(macro.name)
          w.line("#expect(Int64(ZMQ.\(name)) == Int64(\(macro.name)), \"\(macro.name)\")")
        }
      }
      w.line()
      w.block("@Test func errorCodes()") { w in
        for code in context.errorCodes {
          w.line("#expect(Int64(ZMQ.\(code.name)) == Int64(\(code.name)), \"\(code.name)\")")
          w.line(
            "#expect(ZMQError.\(code.name.lowercased()).code == Int32(\(code.name)), \"ZMQError.\(code.name.lowercased())\")"
          )
        }
      }
    }
    return GeneratedFile(path: context.testDirectory + "/GeneratedConstantsMatchC.swift", contents: writer.text)
  }
}
