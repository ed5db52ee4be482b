import ArgumentParser
import BindgenCore
import Foundation

/// zmq-bindgen: reads zmq.h through libclang and the spec tables and
/// writes the generated parts of the ZeroMQ library and its tests.
@main
struct ZMQBindgen: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zmq-bindgen",
    abstract: "Generate the Swift ZeroMQ bindings from zmq.h and the spec tables.",
    subcommands: [Dump.self, Generate.self, Check.self, Spec.self])
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
  @Option(help: "The zmq.h to read (default: pkg-config's libzmq include directory, else /usr/include/zmq.h).")
  var header: String?

  @Option(help: "The package root (holds spec/ and the generated directories).")
  var root: String = FileManager.default.currentDirectoryPath

  @Flag(help: "Generate the draft-enabled variant (ZMQ_BUILD_DRAFT_API).")
  var draft = false

  func parseHeader() throws -> HeaderModel {
    let located = HeaderLocator.locate(explicit: header)
    return try HeaderParser(headerPath: located.header, includeDirectories: located.includeDirectories).parse()
  }

  var workspace: Workspace { Workspace(root: URL(fileURLWithPath: root)) }

  /// Merges `model` with the spec and emits; prints diagnostics to
  /// standard error.
  func generateFiles(model: HeaderModel) throws -> [GeneratedFile] {
    let context = try workspace.generationContext(model: model, draft: draft)
    let (files, generatorDiagnostics) = BindingsGenerator(context: context).generate()
    var diagnostics = generatorDiagnostics
    let functions = try workspace.loadFunctions()
    diagnostics += functions.validate(against: model, root: workspace.root)
    diagnostics += functions.coverage(examples: context.examples, javascriptAPI: try workspace.loadJavaScriptAPI())
    report(model.diagnostics + diagnostics)
    if diagnostics.contains(where: { $0.severity == .error }) {
      throw ValidationError("the spec has errors (see above); nothing written")
    }
    return files
  }
}

func report(_ diagnostics: [Diagnostic]) {
  for diagnostic in diagnostics {
    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
  }
}

struct Dump: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the header model.")
  @OptionGroup var options: CommonOptions
  @Flag(help: "Print the model as JSON.") var json = false
  @Flag(help: "Print only counts.") var summary = false

  func run() throws {
    let model = try options.parseHeader()
    if json {
      print(try model.json())
    } else if summary {
      print(model.summary)
    } else {
      print(model.listing)
    }
  }
}

struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Write the generated Swift files.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let files = try options.generateFiles(model: try options.parseHeader())
    let changed = try options.workspace.write(files)
    print("zmq-bindgen: \(files.count) files generated, \(changed.count) changed")
    for path in changed { print("  \(path)") }
  }
}

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fail when the committed generated files or option table differ from what would be written now.")
  @OptionGroup var options: CommonOptions
  @Option(
    help:
      "Where libzmq's man pages are (default: \(SpecSync.defaultManDirectory); the table check is skipped when the default has none)."
  )
  var manDirectory: String?

  func run() throws {
    // One parse serves both the generated files and the option table.
    let model = try options.parseHeader()
    let files = try options.generateFiles(model: model)
    var problems = options.workspace.differences(from: files)
    // The option table must still be what the installed man pages say;
    // without man pages there is nothing to compare it with.
    do {
      let (table, _) = try SpecSync.build(
        manDirectory: manDirectory ?? SpecSync.defaultManDirectory, header: model,
        overrides: try options.workspace.loadOptionOverrides())
      let committed = try String(contentsOf: options.workspace.url(OptionTableFile.path), encoding: .utf8)
      if OptionTableFile.render(table) != committed {
        problems.append(
          "stale: \(OptionTableFile.path) (the installed man pages or the overrides changed; run `zmq-bindgen spec sync`)"
        )
      }
    } catch let error as ManPageError where manDirectory == nil {
      print("zmq-bindgen check: \(OptionTableFile.path) not compared with the man pages (skipped: \(error))")
    }
    guard problems.isEmpty else {
      for problem in problems { print("zmq-bindgen check: \(problem)") }
      print("zmq-bindgen check: \(problems.count) generated file(s) out of date; run `make generate` and commit.")
      throw ExitCode(1)
    }
    print("zmq-bindgen check: \(files.count) generated files up to date")
  }
}

struct Spec: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Maintain the spec tables.", subcommands: [Sync.self])

  struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Rewrite spec/derived/options.yaml from libzmq's installed man pages, zmq.h and spec/option-overrides.yaml.")
    @OptionGroup var options: CommonOptions
    @Option(help: "Where libzmq's man pages are.") var manDirectory = SpecSync.defaultManDirectory
    @Option(
      name: .customLong("docs"),
      help:
        "Read the AsciiDoc sources of a libzmq source tree's doc/ folder (zmq_setsockopt.txt or .adoc, …) instead of the man pages."
    )
    var docsDirectory: String?

    func run() throws {
      let header = try options.parseHeader()
      let overrides = try options.workspace.loadOptionOverrides()
      let (table, diagnostics) =
        try docsDirectory.map {
          try SpecSync.build(docsDirectory: $0, header: header, overrides: overrides)
        } ?? SpecSync.build(manDirectory: manDirectory, header: header, overrides: overrides)
      report(diagnostics)
      let target = options.workspace.url(OptionTableFile.path)
      let text = OptionTableFile.render(table)
      if (try? String(contentsOf: target, encoding: .utf8)) == text {
        print("zmq-bindgen spec sync: \(OptionTableFile.path) unchanged (\(table.rows.count) options)")
      } else {
        try FileManager.default.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: target, atomically: true, encoding: .utf8)
        print("zmq-bindgen spec sync: \(OptionTableFile.path) written (\(table.rows.count) options)")
      }
    }
  }
}
