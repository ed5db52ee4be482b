import Foundation

/// The package checkout the generator reads specs from and writes into.
public struct Workspace {
  public var root: URL

  public init(root: URL) {
    self.root = root
  }

  /// The directories whose contents the generator owns entirely.
  public static let generatedDirectories = [
    "Sources/ZeroMQ/Generated", "Sources/ZeroMQ/ZeroMQ.docc/Generated", "Tests/ConformanceTests/Generated",
  ]

  public func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

  /// Everything generation needs from the checkout's spec tables and
  /// documentation, around `model`.
  public func generationContext(model: HeaderModel, draft: Bool, documentation: Bool = true) throws -> GenerationContext
  {
    var context = GenerationContext(
      model: model, spec: try loadGroupSpec(), options: try loadOptionTable(), draft: draft)
    context.fixtures = try loadFixtures()
    context.conformance = try loadConformance()
    context.functions = try loadFunctions()
    context.availability = try AvailabilitySpec.load(from: url("spec/availability.yaml"))
    if documentation { context.examples = try loadExamples() }
    return context
  }

  public func loadGroupSpec() throws -> GroupSpec {
    try GroupSpec.load(from: url("spec/groups.yaml"))
  }

  public func loadOptionTable() throws -> OptionTable {
    try OptionTableFile.load(path: url(OptionTableFile.path).path)
  }

  public func loadFixtures() throws -> FixtureSpec {
    try FixtureSpec.load(from: url("spec/doctest-fixtures.yaml"))
  }

  public func loadFunctions() throws -> FunctionSpec {
    try FunctionSpec.load(from: url("spec/functions.yaml"))
  }

  public func loadConformance() throws -> ConformanceSpec {
    try ConformanceSpec.load(from: url("spec/option-conformance.yaml"))
  }

  public func loadExamples() throws -> [DocExample] {
    try DocCatalog.load(root: root, directory: "Sources/ZeroMQ/ZeroMQ.docc")
  }

  /// The JavaScript module's surface, or `nil` when the checkout has no
  /// list (the coverage check then covers the function rows only).
  public func loadJavaScriptAPI() throws -> JavaScriptAPI? {
    let file = url(JavaScriptAPI.path)
    guard FileManager.default.fileExists(atPath: file.path) else { return nil }
    return try JavaScriptAPI.load(from: file)
  }

  public func loadOptionOverrides() throws -> [OptionOverride] {
    try OptionTableFile.loadOverrides(path: url("spec/option-overrides.yaml").path)
  }

  /// Writes `files`, removing files of the generated directories that are
  /// no longer produced. Files whose contents are unchanged are not touched.
  public func write(_ files: [GeneratedFile]) throws -> [String] {
    var changed: [String] = []
    let fileManager = FileManager.default
    for file in files {
      let target = url(file.path)
      if (try? String(contentsOf: target, encoding: .utf8)) == file.contents { continue }
      try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try file.contents.write(to: target, atomically: true, encoding: .utf8)
      changed.append(file.path)
    }
    for path in orphans(of: files) {
      try fileManager.removeItem(at: url(path))
      changed.append(path)
    }
    return changed
  }

  /// A line per difference between `files` and the checkout: stale,
  /// missing, or present but no longer generated.
  public func differences(from files: [GeneratedFile]) -> [String] {
    var problems: [String] = []
    for file in files {
      guard let current = try? String(contentsOf: url(file.path), encoding: .utf8) else {
        problems.append("missing: \(file.path)")
        continue
      }
      if current != file.contents {
        let line = zip(
          current.split(separator: "\n", omittingEmptySubsequences: false),
          file.contents.split(separator: "\n", omittingEmptySubsequences: false)
        )
        .enumerated().first { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        problems.append(
          "stale: \(file.path)" + (line.map { " (first difference at line \($0))" } ?? " (length differs)"))
      }
    }
    problems += orphans(of: files).map { "not generated (remove it or regenerate): \($0)" }
    return problems
  }

  /// Files inside the generated directories that `files` does not contain.
  func orphans(of files: [GeneratedFile]) -> [String] {
    let produced = Set(files.map(\.path))
    let owned = Set(files.compactMap { file in Self.generatedDirectories.first { file.path.hasPrefix($0 + "/") } })
    var orphans: [String] = []
    for directory in owned.sorted() {
      guard let enumerator = FileManager.default.enumerator(atPath: url(directory).path) else { continue }
      for case let path as String in enumerator where path.hasSuffix(".swift") || path.hasSuffix(".md") {
        let relative = directory + "/" + path
        if !produced.contains(relative) { orphans.append(relative) }
      }
    }
    return orphans.sorted()
  }
}

/// Finds the `zmq.h` to read: `--header`, else pkg-config's include
/// directory for libzmq, else /usr/include/zmq.h.
public enum HeaderLocator {
  public static func locate(explicit: String?) -> (header: String, includeDirectories: [String]) {
    if let explicit { return (explicit, []) }
    var directories: [String] = []
    if let includeDirectory = pkgConfig(["--variable=includedir", "libzmq"]), !includeDirectory.isEmpty {
      directories.append(includeDirectory)
    }
    if let flags = pkgConfig(["--cflags-only-I", "libzmq"]) {
      directories += flags.split(separator: " ").filter { $0.hasPrefix("-I") }.map { String($0.dropFirst(2)) }
    }
    for directory in directories {
      let candidate = directory + "/zmq.h"
      if FileManager.default.fileExists(atPath: candidate) {
        return (candidate, directories.filter { $0 != "/usr/include" })
      }
    }
    return ("/usr/include/zmq.h", [])
  }

  static func pkgConfig(_ arguments: [String]) -> String? {
    guard let result = try? runSubprocess(["pkg-config"] + arguments), result.status == 0 else { return nil }
    return String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
