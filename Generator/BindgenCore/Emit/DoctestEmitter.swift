/// Emits one Swift Testing test per documentation example: the example's
/// code runs inside its fixture with `print` captured, and what it printed is
/// compared with its `// prints:` lines. `#sourceLocation` points compiler
/// errors and test failures at the example's Markdown file and line.
struct DoctestEmitter {
  let context: GenerationContext
  let examples: [DocExample]
  let fixtures: FixtureSpec

  func emit(diagnostics: inout [Diagnostic]) -> [GeneratedFile] {
    // Examples marked draft need the draft API: only a --draft run emits them.
    let byFile = Dictionary(grouping: examples.filter { context.draft || !$0.draftOnly }, by: \.file)
    return byFile.keys.sorted().map { file in emitFile(file, examples: byFile[file]!, diagnostics: &diagnostics) }
  }

  static func typeName(for file: String) -> String {
    let base = (file.split(separator: "/").last.map(String.init) ?? file).replacingOccurrences(of: ".md", with: "")
    return "Doc" + base.filter { $0.isLetter || $0.isNumber } + "Tests"
  }

  func emitFile(_ file: String, examples: [DocExample], diagnostics: inout [Diagnostic]) -> GeneratedFile {
    let type = Self.typeName(for: file)
    var imports: Set<String> = ["Foundation", "Testing", "ZeroMQ"]
    for example in examples {
      for line in example.code {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("import ") { imports.insert(String(trimmed.dropFirst(7))) }
      }
    }
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: [file, "spec/doctest-fixtures.yaml"]).banner)
    for module in imports.sorted() { writer.line("import \(module)") }
    writer.line()
    writer.doc("The examples of `\(file)`, each run as written.")
    writer.block("@Suite(\"Documentation: \(file.split(separator: "/").last ?? "")\") struct \(type)") { w in
      for (index, example) in examples.enumerated() {
        if index > 0 { w.line() }
        emitTest(example, into: &w, diagnostics: &diagnostics)
      }
    }
    return GeneratedFile(path: context.testDirectory + "/\(type).swift", contents: writer.text)
  }

  func emitTest(_ example: DocExample, into w: inout SwiftWriter, diagnostics: inout [Diagnostic]) {
    let name = "\(example.section) — example \(example.ordinal)"
    let fixture = example.fixture.flatMap { fixtures.fixture(named: $0) }
    let isAsync = fixture?.isAsync ?? false
    w.line("@Test(\(SwiftLiteral.string(name)))")
    w.block("func line\(example.line)() \(isAsync ? "async throws" : "throws")") { w in
      w.line("let printed = PrintedLines()")
      w.block("@Sendable func print(_ items: Any..., separator: String = \" \", terminator: String = \"\\n\")") { w in
        w.line("printed.record(items, separator: separator, terminator: terminator)")
      }
      var opening = "do {"
      if let name = example.fixture {
        if let fixture {
          opening =
            "try \(isAsync ? "await " : "")DocFixtures.\(name) { \(fixture.parameters.joined(separator: ", ")) in"
        } else {
          diagnostics.append(
            Diagnostic(
              .error, "\(example.file):\(example.line - 1)",
              "unknown fixture '\(name)' (spec/doctest-fixtures.yaml has: \(fixtures.fixtures.map(\.name).joined(separator: ", ")))"
            ))
        }
      }
      w.line(opening)
      // The code goes in unindented, with import lines blanked, so the
      // #sourceLocation line numbers stay those of the Markdown file.
      w.raw("#sourceLocation(file: \(SwiftLiteral.string(example.file)), line: \(example.line))")
      for line in example.code {
        w.raw(line.trimmingCharacters(in: .whitespaces).hasPrefix("import ") ? "" : line)
      }
      w.raw("#sourceLocation()")
      w.line("}")
      let expected = example.expectations.map { "(\(SwiftLiteral.string($0.text)), \($0.isPattern))" }
      w.line(
        "printed.expect([\(expected.joined(separator: ", "))], file: \(SwiftLiteral.string(example.file)), line: \(example.line))"
      )
    }
  }
}
