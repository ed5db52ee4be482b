import Foundation
import Testing
@testable import BindgenCore

/// The installed zmq.h, read by the generator, against the C compiler's view of it.
@Suite struct SystemHeaderTests {
  static let located = HeaderLocator.locate(explicit: nil)

  /// Every object-like `ZMQ_*` macro `cc -dM -E` sees is in the model, and
  /// every integer value equals what a C program compiled against the
  /// header prints.
  @Test(arguments: [false, true])
  func modelMatchesTheCompiler(draft: Bool) throws {
    let model = try HeaderParser(headerPath: Self.located.header, includeDirectories: Self.located.includeDirectories)
      .parse()
    let defines = draft ? ["-DZMQ_BUILD_DRAFT_API"] : []
    // 1. Names: the compiler's object-like ZMQ_ macros.
    let predefined = try run("cc", defines + ["-dM", "-E", "-x", "c", Self.located.header])
    let compilerNames = Set(
      predefined.split(separator: "\n").compactMap { line -> String? in
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "#define", parts[1].hasPrefix("ZMQ_"), parts[1] != "ZMQ_BUILD_DRAFT_API",
          !parts[1].contains("(")
        else { return nil }
        return String(parts[1])
      })
    let modelNames = Set(
      model.finalMacros.filter { draft || $0.availability == .stable }
        .filter {
          if case .functionLike = $0.value { return false }; return $0.name.hasPrefix("ZMQ_")
        }.map(\.name))
    #expect(
      compilerNames == modelNames,
      "only in cc: \(compilerNames.subtracting(modelNames).sorted()); only in model: \(modelNames.subtracting(compilerNames).sorted())"
    )

    // 2. Values: a C program prints every integer macro the model evaluated.
    let integers = model.finalMacros.filter { (draft || $0.availability == .stable) && $0.integerValue != nil }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-bindgen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var program = "#include <stdio.h>\n#include <zmq.h>\nint main(void) {\n"
    for macro in integers { program += "  printf(\"%s %lld\\n\", \"\(macro.name)\", (long long)(\(macro.name)));\n" }
    program += "  return 0;\n}\n"
    let source = directory.appendingPathComponent("values.c"), binary = directory.appendingPathComponent("values")
    try program.write(to: source, atomically: true, encoding: .utf8)
    _ = try run(
      "cc",
      defines + [
        "-I", (Self.located.header as NSString).deletingLastPathComponent,
        "-o", binary.path, source.path,
      ])
    let printed = try run(binary.path, [])
    var compilerValues: [String: Int64] = [:]
    for line in printed.split(separator: "\n") {
      let parts = line.split(separator: " ")
      compilerValues[String(parts[0])] = Int64(parts[1])
    }
    for macro in integers {
      #expect(compilerValues[macro.name] == macro.integerValue, "\(macro.name)")
    }
    #expect(integers.count > (draft ? 200 : 150))
  }

  @Test func stableAndDraftAreToldApart() throws {
    let model = try HeaderParser(headerPath: Self.located.header).parse()
    #expect(model.macro(named: "ZMQ_PUSH")?.availability == .stable)
    #expect(model.macro(named: "ZMQ_SERVER")?.availability == .draft)
    #expect(model.function(named: "zmq_poller_new")?.availability == .draft)
    #expect(model.function(named: "zmq_socket")?.availability == .stable)
  }
}
