import Foundation
import Testing
@testable import BindgenCore

/// What the parse needs from the system and what happens when it fails:
/// headers of our own in Fixtures/parse/.
@Suite struct HeaderParseArgumentsTests {
  static func path(_ name: String) -> String { Paths.fixtures.appendingPathComponent("parse/\(name)").path }

  /// The draft zmq_ppoll takes a `const sigset_t *` that zmq.h does not
  /// include a header for; the draft parse must still see the function.
  @Test func systemTypesResolveInTheDraftParse() throws {
    let model = try HeaderParser(headerPath: Self.path("sigset.h")).parse()
    #expect(model.diagnostics.filter { $0.severity == .error }.isEmpty)
    let ppoll = try #require(model.functions.first { $0.name == "zmq_ppoll" })
    #expect(ppoll.availability == .draft)
    #expect(ppoll.parameters.last?.type == "const sigset_t *")
    #expect(model.functions.first { $0.name == "zmq_poll" }?.availability == .stable)
  }

  /// A header libclang cannot parse stops the generator instead of giving
  /// it a model with declarations missing.
  @Test func aFailedParseIsAnError() throws {
    do {
      _ = try HeaderParser(headerPath: Self.path("broken.h")).parse()
      Issue.record("the parse of broken.h should have failed")
    } catch let error as ClangError {
      #expect(error.description.contains("broken.h"))
      #expect(error.description.contains("undeclared_type_t"))
    }
  }

  /// The 4.3.5 header with the draft API from `make libzmq`, when it is there.
  @Test(
    "the draft parse of libzmq 4.3.5's zmq.h succeeds",
    .enabled(
      if: FileManager.default.fileExists(
        atPath: Paths.packageRoot.appendingPathComponent(".build-libzmq/4.3.5-draft/include/zmq.h").path),
      "skipped: needs `make libzmq VERSION=4.3.5 DRAFT=1`"))
  func realDraftHeaderParses() throws {
    let header = Paths.packageRoot.appendingPathComponent(".build-libzmq/4.3.5-draft/include/zmq.h").path
    let model = try HeaderParser(headerPath: header).parse()
    #expect(model.functions.contains { $0.name == "zmq_ppoll" && $0.availability == .draft })
  }
}
