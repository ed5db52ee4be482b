import Foundation
import Testing
@testable import BindgenCore

/// Paths of the checkout, found from this file's location (so golden files
/// can be rewritten in place with UPDATE_GOLDEN=1).
enum Paths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
  static func header(_ name: String) -> String { fixtures.appendingPathComponent("headers/\(name)").path }
  static func golden(_ name: String) -> URL { fixtures.appendingPathComponent("golden/\(name).golden") }
}

/// Compares `actual` with the golden file `name`; with UPDATE_GOLDEN=1 in
/// the environment, rewrites the golden file instead. A mismatch is
/// reported as a line diff (`-` expected, `+` actual).
func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
  let url = Paths.golden(name)
  if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
    try actual.write(to: url, atomically: true, encoding: .utf8)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    Issue.record("golden file \(name).golden is missing; run UPDATE_GOLDEN=1 swift test", sourceLocation: sourceLocation)
    return
  }
  if expected != actual {
    Issue.record("\(name).golden differs (UPDATE_GOLDEN=1 swift test rewrites it):\n\(lineDiff(expected, actual))",
                 sourceLocation: sourceLocation)
  }
}

/// A readable diff: removed lines with `-`, inserted with `+`, each with its line number.
func lineDiff(_ expected: String, _ actual: String, limit: Int = 40) -> String {
  let old = expected.components(separatedBy: "\n"), new = actual.components(separatedBy: "\n")
  var lines: [String] = []
  for change in new.difference(from: old) {
    switch change {
    case .remove(let offset, let line, _): lines.append("-\(offset + 1): \(line)")
    case .insert(let offset, let line, _): lines.append("+\(offset + 1): \(line)")
    }
  }
  let shown = lines.prefix(limit).joined(separator: "\n")
  return lines.count > limit ? shown + "\n… \(lines.count - limit) more" : shown
}

/// The real spec of the checkout.
func loadSpec() throws -> GroupSpec {
  try GroupSpec.load(from: Paths.packageRoot.appendingPathComponent("spec/groups.yaml"))
}

/// The real option table of the checkout.
func loadOptionTable() throws -> OptionTable {
  try OptionTableFile.load(path: Paths.packageRoot.appendingPathComponent("spec/options.yaml").path)
}

/// Parses a fixture header.
func parseFixture(_ name: String) throws -> HeaderModel {
  try HeaderParser(headerPath: Paths.header(name)).parse()
}

/// All generated files for `model`, concatenated with a marker line per file.
func generatedText(_ model: HeaderModel, draft: Bool) throws -> (text: String, files: [GeneratedFile], diagnostics: [Diagnostic]) {
  // The checkout's spec tables, without its documentation examples (those have their own golden test).
  let context = try Workspace(root: Paths.packageRoot).generationContext(model: model, draft: draft, documentation: false)
  let (files, diagnostics) = BindingsGenerator(context: context).generate()
  let text = files.map { "==> \($0.path) <==\n\($0.contents)" }.joined(separator: "\n")
    + diagnostics.map { "diagnostic: \($0)\n" }.joined()
  return (text, files, diagnostics)
}

/// Runs a program and returns its standard output; fails on a non-zero exit.
func run(_ executable: String, _ arguments: [String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [executable] + arguments
  let output = Pipe(), errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  let errorData = errors.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw ClangError(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: errorData, as: UTF8.self))")
  }
  return String(decoding: data, as: UTF8.self)
}
