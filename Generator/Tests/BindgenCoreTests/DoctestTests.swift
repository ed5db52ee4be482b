import Foundation
import Testing
@testable import BindgenCore

/// The documentation-example reader and the doctest emitter.
@Suite struct DoctestTests {
  static let samplePath = "Generator/Tests/BindgenCoreTests/Fixtures/docs/Sample.md"

  func sampleExamples() throws -> [DocExample] {
    let text = try String(contentsOf: Paths.fixtures.appendingPathComponent("docs/Sample.md"), encoding: .utf8)
    return try DocCatalog.examples(in: text, file: Self.samplePath)
  }

  @Test func readsExamplesSectionsFixturesAndExpectations() throws {
    let examples = try sampleExamples()
    #expect(examples.count == 3)
    #expect(examples.map(\.section) == ["send(_:flags:)", "send(_:flags:)", "Nothing printed"])
    #expect(examples.map(\.ordinal) == [1, 2, 1])
    #expect(examples.map(\.fixture) == ["pair", nil, nil])
    #expect(examples[0].line == 9)
    #expect(examples[0].expectations == [.init(text: "hi", isPattern: false)])
    #expect(examples[1].expectations == [.init(text: "\\[\\d+, \\d+, \\d+\\]", isPattern: true)])
    #expect(examples[2].expectations.isEmpty)
  }

  @Test func badMarkupIsReportedWithFileAndLine() {
    #expect(throws: DocCatalog.Problem(file: "x.md", line: 2, message: "```swift block is never closed")) {
      try DocCatalog.examples(in: "text\n```swift\nlet a = 1\n", file: "x.md")
    }
    #expect(
      throws: DocCatalog.Problem(
        file: "x.md", line: 1,
        message: "unknown doctest setting 'fixtur=pair' (known: fixture=NAME, draft, requires=NAME,…)")
    ) {
      try DocCatalog.examples(in: "<!-- doctest: fixtur=pair -->\n```swift\n```\n", file: "x.md")
    }
  }

  @Test func emittedTestsMatchTheReference() throws {
    var context = GenerationContext(model: try parseFixture("current.h"), spec: try loadSpec(), draft: false)
    context.examples = try sampleExamples()
    context.fixtures = try Workspace(root: Paths.fixtureWorkspace).loadFixtures()
    var diagnostics: [Diagnostic] = []
    let files = DoctestEmitter(context: context, examples: context.examples, fixtures: context.fixtures!).emit(
      diagnostics: &diagnostics)
    #expect(diagnostics.isEmpty)
    #expect(files.map(\.path) == ["Tests/ConformanceTests/Generated/DocSampleTests.swift"])
    try expectReference(["DocSampleTests.swift": files[0].contents], fixture: "doctest.sample")
  }

  @Test func unknownFixtureIsAnError() throws {
    var examples = try sampleExamples()
    examples[0].fixture = "nosuch"
    let context = GenerationContext(model: try parseFixture("current.h"), spec: try loadSpec(), draft: false)
    var diagnostics: [Diagnostic] = []
    _ = DoctestEmitter(context: context, examples: examples, fixtures: FixtureSpec(fixtures: [])).emit(
      diagnostics: &diagnostics)
    #expect(
      diagnostics.map(\.description) == [
        "\(Self.samplePath):8: error: unknown fixture 'nosuch' (spec/doctest-fixtures.yaml has: )"
      ])
  }
}

/// Mechanical rows of spec/functions.yaml become generated wrappers, checked against the header.
@Suite struct WrapperEmitterTests {
  func functions() throws -> FunctionSpec { try Workspace(root: Paths.packageRoot).loadFunctions() }

  @Test func endpointWrappersAreGenerated() throws {
    let context = GenerationContext(model: try parseFixture("current.h"), spec: try loadSpec(), draft: false)
    var diagnostics: [Diagnostic] = []
    let file = try #require(
      WrapperEmitter(context: context, functions: try functions()).emit(diagnostics: &diagnostics))
    #expect(diagnostics.isEmpty)
    for name in ["bind", "unbind", "connect", "disconnect"] {
      #expect(file.contents.contains("public func \(name)(_ endpoint: String) throws"))
      #expect(file.contents.contains("try CallFunnel.check(zmq_\(name)(pointer, endpoint))"))
    }
  }

  @Test func aChangedSignatureIsAnErrorNotAWrongWrapper() throws {
    var spec = try functions()
    let index = try #require(spec.functions.firstIndex { $0.javascript == "Socket.bind(endpoint)" })
    spec.functions[index].c = ["zmq_fixture_call"]  // int (void *, const char *, size_t) in tricky.h
    let context = GenerationContext(model: try parseFixture("tricky.h"), spec: try loadSpec(), draft: false)
    var diagnostics: [Diagnostic] = []
    _ = WrapperEmitter(context: context, functions: spec).emit(diagnostics: &diagnostics)
    #expect(
      diagnostics.contains {
        $0.message
          == "zmq_fixture_call is int (void *, const char *, size_t) in tricky.h; template socketEndpoint needs int (void *, const char *)"
      })
  }
}
