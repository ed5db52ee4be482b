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

  @Test func theAPILevelHeaderFollowsTheMode() throws {
    let model = try parseFixture("shapes/zmq-4.3.h")
    for draft in [false, true] {
      let file = try #require(
        try generated(model, draft: draft).files.first { $0.path == "Sources/CZeroMQ/api-level.h" })
      #expect(file.contents.contains("#define ZMQ_BUILD_DRAFT_API 1") == draft)
    }
  }
}
