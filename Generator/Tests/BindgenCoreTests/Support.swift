import Foundation
import Testing
@testable import BindgenCore

/// Paths of the checkout, found from this file's location (so reference
/// files can be rewritten in place with UPDATE_REFERENCE=1).
enum Paths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  /// The repository root (this file is Generator/Tests/BindgenCoreTests/Support.swift).
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
  /// The tests' own package root: `Fixtures/spec/` holds spec tables of
  /// their own, so a change to the checkout's `spec/` never changes them.
  static let fixtureWorkspace = fixtures
  static let reference = fixtures.appendingPathComponent("Reference")
  static func header(_ name: String) -> String { fixtures.appendingPathComponent("headers/\(name)").path }
}

/// Whether the reference files are rewritten instead of compared
/// (`UPDATE_REFERENCE=1 swift test --filter BindgenCoreTests`).
var updatingReference: Bool { ProcessInfo.processInfo.environment["UPDATE_REFERENCE"] == "1" }

/// Compares `files` (file name → contents) with the directory
/// `Fixtures/Reference/<fixture>/`, one expectation file per output file.
/// A difference is reported per file as a line diff (`-` expected, `+`
/// actual); so are expected files no longer produced. With
/// UPDATE_REFERENCE=1 the directory is rewritten instead.
func expectReference(
  _ files: [String: String], fixture: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
  let directory = Paths.reference.appendingPathComponent(fixture)
  let fileManager = FileManager.default
  let existing = Set((try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? [])
  if updatingReference {
    try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
    for name in existing.subtracting(files.keys) {
      try fileManager.removeItem(at: directory.appendingPathComponent(name))
    }
    for (name, contents) in files {
      try contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return
  }
  let hint = "(UPDATE_REFERENCE=1 swift test --filter BindgenCoreTests rewrites it)"
  for name in files.keys.sorted() {
    guard let expected = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
      Issue.record("Reference/\(fixture)/\(name) is missing \(hint)", sourceLocation: sourceLocation)
      continue
    }
    if expected != files[name]! {
      Issue.record(
        "Reference/\(fixture)/\(name) differs \(hint):\n\(lineDiff(expected, files[name]!))",
        sourceLocation: sourceLocation)
    }
  }
  for name in existing.subtracting(files.keys).sorted() {
    Issue.record("Reference/\(fixture)/\(name) is no longer generated \(hint)", sourceLocation: sourceLocation)
  }
}

/// Generated files by file name, plus `diagnostics.txt` when there are
/// diagnostics. File names are unique across the generated directories.
func referenceFiles(_ files: [GeneratedFile], diagnostics: [Diagnostic]) -> [String: String] {
  var byName: [String: String] = [:]
  for file in files {
    let name = String(file.path.split(separator: "/").last!)
    precondition(byName[name] == nil, "two generated files are named \(name)")
    byName[name] = file.contents
  }
  if !diagnostics.isEmpty { byName["diagnostics.txt"] = diagnostics.map { "\($0)\n" }.joined() }
  return byName
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

/// The tests' macro groups (`Fixtures/spec/groups.yaml`).
func loadSpec() throws -> GroupSpec {
  try Workspace(root: Paths.fixtureWorkspace).loadGroupSpec()
}

/// Parses a fixture header.
func parseFixture(_ name: String) throws -> HeaderModel {
  try HeaderParser(headerPath: Paths.header(name)).parse()
}

/// All generated files for `model` from the tests' own spec tables
/// (without documentation examples: those have their own reference test).
func generated(_ model: HeaderModel, draft: Bool) throws -> (files: [GeneratedFile], diagnostics: [Diagnostic]) {
  let context = try Workspace(root: Paths.fixtureWorkspace).generationContext(
    model: model, draft: draft, documentation: false)
  return BindingsGenerator(context: context).generate()
}

/// Runs a program and returns its standard output; fails on a non-zero exit.
func run(_ executable: String, _ arguments: [String]) throws -> String {
  let result = try runSubprocess([executable] + arguments)
  guard result.status == 0 else {
    throw ClangError(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(result.errors)")
  }
  return String(decoding: result.output, as: UTF8.self)
}
