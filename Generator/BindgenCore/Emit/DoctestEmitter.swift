/// Emits one Swift Testing test per documentation example: the example's
/// code runs inside its fixture with `print` captured, and what it printed is
/// compared with its `// prints:` lines. `#sourceLocation` points compiler
/// errors and test failures at the example's Markdown file and line.
///
/// An example that needs what this header lacks — the draft API in a stable
/// run (`<!-- doctest: draft -->`), or a macro or function the header does
/// not declare at the API level generated (`<!-- doctest: requires=ZMQ_X -->`)
/// — becomes a disabled test without its code: it compiles against every
/// header and Swift Testing reports it as skipped, with the reason.
struct DoctestEmitter {
  let context: GenerationContext
  let examples: [DocExample]
  let fixtures: FixtureSpec

  func emit(diagnostics: inout [Diagnostic]) -> [GeneratedFile] {
    let byFile = Dictionary(grouping: examples, by: \.file)
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

  /// Whether the header declares `name` (a `ZMQ_` macro or `zmq_` function)
  /// at the API level generated, and whether it declares it at all.
  func declares(_ name: String) -> (atThisLevel: Bool, atAll: Bool) {
    let availability =
      context.model.macro(named: name)?.availability ?? context.model.function(named: name)?.availability
    guard let availability else { return (false, false) }
    return (context.draft || availability == .stable, true)
  }

  /// Why the example cannot run against this header, or `nil` when it can.
  func notApplicable(_ example: DocExample, diagnostics: inout [Diagnostic]) -> String? {
    var missing: [String] = []
    for name in example.requires {
      let declared = declares(name)
      if !declared.atAll {
        diagnostics.append(
          Diagnostic(
            .warning, "\(example.file):\(example.line - 1)",
            "requires=\(name): \(context.model.header) declares no \(name), at any API level; the example is disabled"))
      }
      if !declared.atThisLevel { missing.append(name) }
    }
    let header =
      "this zmq.h (\(context.model.version.map { "libzmq \($0)" } ?? "unknown version"), \(context.apiLevel))"
    if example.draftOnly && !context.draft {
      return "needs the draft API; \(header) was generated without --draft"
    }
    if !missing.isEmpty {
      return "needs \(missing.joined(separator: ", ")), which \(header) does not declare"
    }
    return nil
  }

  func emitTest(_ example: DocExample, into w: inout SwiftWriter, diagnostics: inout [Diagnostic]) {
    let name = "\(example.section) — example \(example.ordinal)"
    if let reason = notApplicable(example, diagnostics: &diagnostics) {
      // Not applicable here: reported as skipped, and the code, which names
      // what this header lacks, is left out so that the suite compiles.
      w.line("@Test(\(SwiftLiteral.string(name)), .disabled(\(SwiftLiteral.string(reason))))")
      w.line("func line\(example.line)() {}")
      return
    }
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
