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
    let files = try generatedText(try parseFixture("current.h"), draft: false).files
    _ = try workspace.write(files)
    #expect(workspace.differences(from: files).isEmpty)

    let edited = workspace.url("Sources/ZeroMQ/Generated/SocketType.swift")
    try (try String(contentsOf: edited, encoding: .utf8)).replacingOccurrences(of: "rawValue: 8", with: "rawValue: 9")
      .write(to: edited, atomically: true, encoding: .utf8)
    let problems = workspace.differences(from: files)
    #expect(problems.count == 1)
    #expect(problems.first?.hasPrefix("stale: Sources/ZeroMQ/Generated/SocketType.swift (first difference at line") == true)

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

  @Test func everySeedFunctionHasARow() throws {
    let seeds = Set(try spec().functions.map(\.seed))
    #expect(try spec().functions.count == 34)
    for name in ["zmq.version()", "Socket.recv_str(flags)", "Poller.wait_all(n_events, timeout)", "Socket.getsockopt_uint8ffarray(option)"] {
      #expect(seeds.contains(name), "\(name)")
    }
  }

  @Test func rowsMatchTheInstalledHeaderAndTheCheckout() throws {
    let located = HeaderLocator.locate(explicit: nil)
    let model = try HeaderParser(headerPath: located.header).parse()
    let diagnostics = try spec().validate(against: model, root: Paths.packageRoot)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
  }

  @Test func everyRowAndSeedSectionHasADocumentedExample() throws {
    let examples = try Workspace(root: Paths.packageRoot).loadExamples()
    let seedURL = Paths.packageRoot.appendingPathComponent("../shared/seeds/000_41b4e8f3aebaf5ca.txt")
    let headings = (try? String(contentsOf: seedURL, encoding: .utf8)).map(FunctionSpec.seedHeadings(in:))
    #expect(try spec().coverage(examples: examples, seedHeadings: headings).isEmpty)
    if let headings { #expect(headings.count == 36) }
  }

  @Test func theCoverageGateFails() throws {
    let examples = try Workspace(root: Paths.packageRoot).loadExamples().filter { !$0.section.hasPrefix("recvString") }
    let diagnostics = try spec().coverage(examples: examples, seedHeadings: ["zmq.Socket.prototype.recv_str()", "Nonexistent section"])
    #expect(diagnostics.map(\.message) == [
      "no ```swift example in the documentation section SocketReference.md#recvString(flags:)",
      "the seed's section \"zmq.Socket.prototype.recv_str()\" maps to SocketReference.md#recvString(flags:), which has no ```swift example",
      "the seed's section \"Nonexistent section\" has no Swift counterpart listed",
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
