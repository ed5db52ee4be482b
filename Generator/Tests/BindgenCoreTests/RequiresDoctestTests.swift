import Foundation
import Testing
@testable import BindgenCore

/// Documentation examples marked `<!-- doctest: requires=… -->`, and draft
/// examples in a stable run: each becomes a test where the header declares
/// what it needs, and a disabled test without its code, naming what is
/// missing, where it does not.
@Suite struct RequiresDoctestTests {
  static let markdown = """
    # Requires

    <!-- doctest: requires=ZMQ_BLOCKY -->
    ```swift
    let context = try Context()
    try context.set(.blocky, 0)
    print(try context.get(.blocky))  // prints: 0
    ```

    <!-- doctest: fixture=pair requires=ZMQ_EVENT_HANDSHAKE_SUCCEEDED,zmq_curve_public -->
    ```swift
    print(ZMQ.EVENT_HANDSHAKE_SUCCEEDED)  // prints: 4096
    ```

    <!-- doctest: draft -->
    ```swift
    print(ZMQ.SERVER)  // prints: 12
    ```

    ```swift
    print("every header")  // prints: every header
    ```
    """

  func examples() throws -> [DocExample] {
    try DocCatalog.examples(in: Self.markdown, file: "Sources/ZeroMQ/ZeroMQ.docc/Requires.md")
  }

  func emit(shape: String, draft: Bool) throws -> (text: String, diagnostics: [Diagnostic]) {
    let context = GenerationContext(
      model: try parseFixture("shapes/zmq-\(shape).h"), spec: try loadSpec(), draft: draft)
    let fixtures = FixtureSpec(fixtures: [.init(name: "pair", parameters: ["socket", "peer"], summary: "two sockets")])
    var diagnostics: [Diagnostic] = []
    let files = DoctestEmitter(context: context, examples: try examples(), fixtures: fixtures).emit(
      diagnostics: &diagnostics)
    #expect(files.count == 1)
    return (files.map(\.contents).joined(), diagnostics)
  }

  @Test func theMarkerIsRead() throws {
    let examples = try examples()
    #expect(
      examples.map(\.requires) == [["ZMQ_BLOCKY"], ["ZMQ_EVENT_HANDSHAKE_SUCCEEDED", "zmq_curve_public"], [], []])
    #expect(examples.map(\.fixture) == [nil, "pair", nil, nil])
    #expect(examples.map(\.draftOnly) == [false, false, true, false])
  }

  @Test func aMalformedRequirementIsAnError() {
    #expect(
      throws: DocCatalog.Problem(
        file: "x.md", line: 1,
        message: "requires=blocky: expected C names separated by commas (requires=ZMQ_BLOCKY,zmq_join)")
    ) {
      try DocCatalog.examples(in: "<!-- doctest: requires=blocky -->\n```swift\n```\n", file: "x.md")
    }
    #expect(throws: DocCatalog.Problem.self) {
      try DocCatalog.examples(in: "<!-- doctest: requires= -->\n```swift\n```\n", file: "x.md")
    }
  }

  /// The 4.1 model lacks ZMQ_BLOCKY, the handshake events and
  /// zmq_curve_public; the 4.3 model has them all; only draft mode runs the
  /// draft example.
  @Test(arguments: ["4.1", "4.3"], [false, true])
  func emittedTestsMatchTheReference(shape: String, draft: Bool) throws {
    let (text, diagnostics) = try emit(shape: shape, draft: draft)
    // A name the header does not declare at any level is worth a warning
    // (a misspelt name would disable its example everywhere).
    #expect(diagnostics.map(\.severity) == (shape == "4.1" ? [.warning, .warning, .warning] : []))
    try expectReference(
      ["DocRequiresTests.swift": text], fixture: "doctest.requires.\(shape).\(draft ? "draft" : "stable")")
  }

  @Test func whatRunsWhere() throws {
    let old = try emit(shape: "4.1", draft: false).text
    #expect(!old.contains("context.set(.blocky, 0)"))
    #expect(
      old.contains(
        #".disabled("needs ZMQ_BLOCKY, which this zmq.h (libzmq 4.1.8, stable API) does not declare")"#))
    #expect(old.contains("needs ZMQ_EVENT_HANDSHAKE_SUCCEEDED, zmq_curve_public, which this zmq.h"))
    #expect(old.contains("needs the draft API; this zmq.h (libzmq 4.1.8, stable API) was generated without --draft"))
    #expect(old.contains(#"print("every header")"#))
    let current = try emit(shape: "4.3", draft: true).text
    #expect(!current.contains(".disabled("))
    #expect(current.contains("try context.set(.blocky, 0)"))
    #expect(current.contains("print(ZMQ.SERVER)"))
    // A draft macro required in a stable run is missing at that level.
    let stable = try emit(shape: "4.3", draft: false).text
    #expect(stable.contains("needs the draft API") && !stable.contains("print(ZMQ.SERVER)"))
  }

  @Test func aNameTheHeaderNeverDeclaresIsReported() throws {
    var examples = try examples()
    examples[0].requires = ["ZMQ_NO_SUCH_OPTION"]
    let context = GenerationContext(model: try parseFixture("shapes/zmq-4.3.h"), spec: try loadSpec(), draft: true)
    var diagnostics: [Diagnostic] = []
    let text = DoctestEmitter(context: context, examples: examples, fixtures: FixtureSpec(fixtures: [])).emit(
      diagnostics: &diagnostics
    ).map(\.contents).joined()
    #expect(text.contains("needs ZMQ_NO_SUCH_OPTION, which this zmq.h"))
    #expect(
      diagnostics.map(\.severity).contains(.warning)
        && diagnostics.contains { $0.description.contains("declares no ZMQ_NO_SUCH_OPTION, at any API level") })
  }
}
