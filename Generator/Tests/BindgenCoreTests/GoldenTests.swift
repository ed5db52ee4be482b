import Foundation
import Testing
@testable import BindgenCore

/// Fixture headers and the tests' own spec tables → expected model dumps
/// and Swift output, one reference file per generated file under
/// `Fixtures/Reference/<fixture>/`.
@Suite struct GoldenTests {
  @Test func trickyMacrosModel() throws {
    try expectReference(["model.txt": try parseFixture("tricky.h").listing + "\n"], fixture: "tricky")
  }

  @Test(arguments: [
    ("current.h", false, "current.stable"), ("current.h", true, "current.draft"), ("older.h", false, "older.stable"),
  ])
  func generatedFiles(header: String, draft: Bool, fixture: String) throws {
    let (files, diagnostics) = try generated(try parseFixture(header), draft: draft)
    try expectReference(referenceFiles(files, diagnostics: diagnostics), fixture: fixture)
  }

  /// The raw constants emitted for a header are exactly its integer
  /// `ZMQ_*` macros (plus error codes), so two headers' outputs differ
  /// exactly where the headers differ.
  @Test(arguments: [("current.h", false), ("current.h", true), ("older.h", false)])
  func constantsFollowTheHeader(header: String, draft: Bool) throws {
    let model = try parseFixture(header)
    let files = try generated(model, draft: draft).files
    let constants = try #require(files.first { $0.path.hasSuffix("/Constants.swift") }).contents
    let emitted = Set(
      constants.split(separator: "\n").compactMap { line -> String? in
        guard let range = line.range(of: "public static let ") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != ":" })
      })
    let expected = Set(
      model.finalMacros.filter {
        guard $0.name.hasPrefix("ZMQ_"), draft || $0.availability == .stable else { return false }
        switch $0.value {
        case .integer, .string: return true;
        default: return false
        }
      }.map { SwiftNaming.constantName($0.name) })
    let errorCodes = Set(GenerationContext(model: model, spec: try loadSpec(), draft: draft).errorCodes.map(\.name))
    #expect(emitted == expected.union(errorCodes))
  }

  @Test func draftAndOlderDifferencesAreTheHeaderDifferences() throws {
    let current = try parseFixture("current.h"), older = try parseFixture("older.h")
    func socketTypes(_ model: HeaderModel, draft: Bool) throws -> Set<String> {
      let files = try generated(model, draft: draft).files
      let text = try #require(files.first { $0.path.hasSuffix("/SocketType.swift") }).contents
      return Set(
        text.split(separator: "\n").compactMap { line in
          line.range(of: "public static let ").map { String(line[$0.upperBound...].prefix { $0 != " " }) }
        }.filter { $0 != "allNamed:" })
    }
    #expect(
      try socketTypes(current, draft: true).subtracting(socketTypes(current, draft: false)) == ["server", "client"])
    #expect(try socketTypes(current, draft: false) == socketTypes(older, draft: false))
    let currentNames = Set(current.macros.filter { $0.availability == .stable }.map(\.name))
    let olderNames = Set(older.macros.map(\.name))
    #expect(
      currentNames.subtracting(olderNames) == [
        "ZMQ_ROUTING_ID", "ZMQ_BLOCKY", "ZMQ_HEARTBEAT_IVL", "ZMQ_EVENT_HANDSHAKE_SUCCEEDED",
      ])
  }

  @Test func generationIsDeterministic() throws {
    let first = try generated(try parseFixture("current.h"), draft: true).files
    let second = try generated(try parseFixture("current.h"), draft: true).files
    #expect(first == second)
  }

  @Test func outputHasNoAbsolutePathsOrTimestamps() throws {
    let text = try generated(try parseFixture("current.h"), draft: false).files.map(\.contents).joined()
    #expect(!text.contains(Paths.packageRoot.path))
    #expect(!text.contains("/usr/"))
    #expect(text.contains("// DO NOT EDIT."))
    #expect(text.contains("current.h (libzmq 4.3.9, stable API)"))
  }
}
