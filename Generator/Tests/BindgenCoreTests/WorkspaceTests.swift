import Foundation
import Testing
@testable import BindgenCore

/// `zmq-bindgen check`'s comparison: stale, missing and orphaned files.
@Suite struct WorkspaceTests {
  func temporaryWorkspace() throws -> Workspace {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-ws-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    return Workspace(root: root)
  }

  @Test func checkFailsWhenAGeneratedFileIsEditedByHand() throws {
    let workspace = try temporaryWorkspace()
    defer { try? FileManager.default.removeItem(at: workspace.root) }
    let files = try generated(try parseFixture("current.h"), draft: false).files
    _ = try workspace.write(files)
    #expect(workspace.differences(from: files).isEmpty)

    let edited = workspace.url("Sources/ZeroMQ/Generated/SocketType.swift")
    try (try String(contentsOf: edited, encoding: .utf8)).replacingOccurrences(of: "rawValue: 8", with: "rawValue: 9")
      .write(to: edited, atomically: true, encoding: .utf8)
    let problems = workspace.differences(from: files)
    #expect(problems.count == 1)
    #expect(
      problems.first?.hasPrefix("stale: Sources/ZeroMQ/Generated/SocketType.swift (first difference at line") == true)

    try FileManager.default.removeItem(at: workspace.url("Sources/ZeroMQ/Generated/PollEvents.swift"))
    try "// stray".write(to: workspace.url("Sources/ZeroMQ/Generated/Stray.swift"), atomically: true, encoding: .utf8)
    let more = workspace.differences(from: files)
    #expect(more.contains("missing: Sources/ZeroMQ/Generated/PollEvents.swift"))
    #expect(more.contains("not generated (remove it or regenerate): Sources/ZeroMQ/Generated/Stray.swift"))

    // generate repairs everything, and a second write changes nothing.
    #expect(try workspace.write(files).count == 3)
    #expect(workspace.differences(from: files).isEmpty)
    #expect(try workspace.write(files).isEmpty)
  }

  @Test func committedTreeIsUpToDate() throws {
    let located = HeaderLocator.locate(explicit: nil)
    let model = try HeaderParser(headerPath: located.header, includeDirectories: located.includeDirectories).parse()
    let workspace = Workspace(root: Paths.packageRoot)
    let (files, _) = BindingsGenerator(context: try workspace.generationContext(model: model, draft: false)).generate()
    let problems = workspace.differences(from: files)
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }
}

/// `spec/functions.yaml` against the header and the checkout.
@Suite struct FunctionSpecTests {
  func spec() throws -> FunctionSpec {
    try FunctionSpec.load(from: Paths.packageRoot.appendingPathComponent("spec/functions.yaml"))
  }

  @Test func everyJavaScriptFunctionHasARow() throws {
    let names = Set(try spec().functions.map(\.javascript))
    #expect(try spec().functions.count == 34)
    for name in [
      "zmq.version()", "Socket.recv_str(flags)", "Poller.wait_all(n_events, timeout)",
      "Socket.getsockopt_uint8ffarray(option)",
    ] {
      #expect(names.contains(name), "\(name)")
    }
  }

  @Test func rowsMatchTheInstalledHeaderAndTheCheckout() throws {
    let located = HeaderLocator.locate(explicit: nil)
    let model = try HeaderParser(headerPath: located.header).parse()
    let diagnostics = try spec().validate(against: model, root: Paths.packageRoot)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
  }

  @Test func everyRowAndJavaScriptEntryHasADocumentedExample() throws {
    let workspace = Workspace(root: Paths.packageRoot)
    let api = try #require(try workspace.loadJavaScriptAPI())
    #expect(try spec().coverage(examples: try workspace.loadExamples(), javascriptAPI: api).isEmpty)
    #expect(api.entries.count == 36)
  }

  @Test func anAbsentJavaScriptListIsSkipped() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-ws-\(UUID().uuidString)")
    #expect(try Workspace(root: root).loadJavaScriptAPI() == nil)
  }

  @Test func theCoverageGateFails() throws {
    let examples = try Workspace(root: Paths.packageRoot).loadExamples().filter { !$0.section.hasPrefix("recvString") }
    let api = JavaScriptAPI(entries: [
      .init(name: "zmq.Socket.prototype.recv_str()", docs: "SocketReference.md#recvString(flags:)"),
      .init(name: "zmq.Socket.prototype.bind()", docs: "SocketReference.md#bind(_:)"),
    ])
    let diagnostics = try spec().coverage(examples: examples, javascriptAPI: api)
    #expect(
      diagnostics.map(\.description) == [
        "spec/functions.yaml: Socket.recv_str(flags): error: no ```swift example in the documentation section SocketReference.md#recvString(flags:)",
        "spec/javascript-api.yaml: zmq.Socket.prototype.recv_str(): error: documented in SocketReference.md#recvString(flags:), which has no ```swift example",
      ])
  }

  @Test func aMissingOrDraftFunctionIsReported() throws {
    var spec = try spec()
    spec.functions[0].c = ["zmq_no_such_function"]
    spec.functions[1].c = ["zmq_fixture_draft"]
    let diagnostics = spec.validate(against: try parseFixture("tricky.h"), root: nil).map(\.message)
    #expect(diagnostics.contains("zmq_no_such_function is not declared by tricky.h"))
    #expect(diagnostics.contains("zmq_fixture_draft is draft API in tricky.h but the row is not marked draft"))
  }
}
