import Foundation
import Testing
@testable import BindgenCore

/// The shape fixtures (headers/shapes: models of a 4.1, 4.2, 4.3 and master
/// zmq.h) through the availability shim: what each variant calls directly,
/// what it stubs, which placeholders it declares. `make header-matrix`
/// builds the package against each of them.
@Suite struct ShapeFixtureTests {
  static let shapes = ["4.1", "4.2", "4.3", "master"]

  func availability(_ shape: String, draft: Bool) throws -> String {
    let model = try parseFixture("shapes/zmq-\(shape).h")
    let files = try generated(model, draft: draft).files
    return try #require(files.first { $0.path.hasSuffix("Generated/Availability.swift") }).contents
  }

  func flag(_ text: String, _ name: String) -> Bool? {
    guard let line = text.split(separator: "\n").first(where: { $0.contains("public static let \(name) = ") }) else {
      return nil
    }
    return line.hasSuffix("true")
  }

  @Test(arguments: shapes, [false, true])
  func availabilityGolden(shape: String, draft: Bool) throws {
    try expectReference(
      ["Availability.swift": try availability(shape, draft: draft)],
      fixture: "shape.\(shape).\(draft ? "draft" : "stable")")
  }

  @Test func whatEachShapeHas() throws {
    // name: (4.1, 4.2, 4.3, master) stable, then draft
    let expected: [String: ([Bool], [Bool])] = [
      "curvePublic": ([false, true, true, true], [false, true, true, true]),
      "handshakeSucceeded": ([false, false, true, true], [false, true, true, true]),
      "messageRoutingId": ([false, false, false, false], [false, true, true, true]),
      "groups": ([false, false, false, false], [false, true, true, true]),
      "connectPeer": ([false, false, false, false], [false, false, true, true]),
      "contextExtendedOptions": ([false, false, false, false], [false, false, true, true]),
      "threadSafeSockets": ([false, false, false, false], [false, true, true, true]),
    ]
    for (index, shape) in Self.shapes.enumerated() {
      let stable = try availability(shape, draft: false), draft = try availability(shape, draft: true)
      for (name, (inStable, inDraft)) in expected {
        #expect(flag(stable, name) == inStable[index], "\(shape) stable \(name)")
        #expect(flag(draft, name) == inDraft[index], "\(shape) draft \(name)")
      }
    }
  }

  @Test func missingMacrosBecomePlaceholdersMissingFunctionsStubs() throws {
    let text = try availability("4.1", draft: false)
    #expect(text.contains("public static let handshakeSucceeded = MonitorEvents(rawValue: 0x2000000)"))
    #expect(text.contains("(.handshakeSucceeded, \"ZMQ_EVENT_HANDSHAKE_SUCCEEDED\")"))
    #expect(text.contains("throw ZMQError(unavailable: \"zmq_curve_public\")"))
    let current = try availability("4.3", draft: false)
    #expect(!current.contains("MonitorEvents(rawValue:"))
    #expect(current.contains("CZeroMQ.zmq_curve_public(p0, p1)"))
  }

  /// The option keys of spec/availability.yaml exist in every variant: the
  /// option table's where it documents them (the tests' table has
  /// ZMQ_BLOCKY and ZMQ_HEARTBEAT_IVL), the spec's type where only the header
  /// has them, a placeholder number where the header lacks them.
  @Test func optionKeysExistInEveryVariant() throws {
    let old = try availability("4.1", draft: false)
    #expect(flag(old, "blocky") == false && flag(old, "maxMsgsz") == false)
    #expect(old.contains("public static var blocky: Self { Self(rawValue: 0x7a000001) }"))
    #expect(old.contains("0x7a000001: \"ZMQ_BLOCKY\","))
    #expect(old.contains("\"ZMQ_BLOCKY\": false,"))
    #expect(old.contains("extension ContextOption where Value == Int32, Access == ReadWrite"))
    let current = try availability("4.3", draft: false)
    #expect(flag(current, "blocky") == true && flag(current, "maxMsgsz") == true)
    #expect(!current.contains("static var blocky"), "the option table's key, emitted with the other options")
    #expect(current.contains("public static var maxMsgsz: Self { Self(rawValue: 5) }"))
    #expect(current.contains("static let unavailableOptions: [Int32: String] = [:]"))
    #expect(current.contains("\"ZMQ_BLOCKY\": true,"))
  }

  @Test func anOptionTypedUnlikeTheTableIsAnError() throws {
    let workspace = Workspace(root: Paths.fixtureWorkspace)
    var context = try workspace.generationContext(
      model: try parseFixture("shapes/zmq-4.3.h"), draft: false, documentation: false)
    var spec = try #require(context.availability)
    let index = try #require(spec.options.firstIndex { $0.macro == "ZMQ_BLOCKY" })
    spec.options[index].value = "Bool"
    context.availability = spec
    let diagnostics = BindingsGenerator(context: context).generate().diagnostics
    #expect(
      diagnostics.map(\.description).contains(
        "spec/availability.yaml: ZMQ_BLOCKY: error: declared as .blocky: ContextOption<Bool, ReadWrite>, but the option table gives .blocky: <Int32, ReadWrite>"
      ))
  }

  @Test func theAPILevelHeaderFollowsTheMode() throws {
    let model = try parseFixture("shapes/zmq-4.3.h")
    for draft in [false, true] {
      let file = try #require(
        try generated(model, draft: draft).files.first { $0.path == "Sources/CZeroMQ/api-level.h" })
      #expect(file.contents.contains("#define ZMQ_BUILD_DRAFT_API 1") == draft)
    }
  }
}
