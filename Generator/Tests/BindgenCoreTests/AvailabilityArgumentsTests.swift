import Foundation
import Testing
@testable import BindgenCore

/// The optional `arguments` of a spec/availability.yaml function: the direct
/// call converts its parameters with them, the stub ignores them.
@Suite struct AvailabilityArgumentsTests {
  static let waitAll = AvailabilitySpec.Function(
    name: "zmq_poller_wait_all", flag: "poller",
    parameters: ["UnsafeMutableRawPointer?", "UnsafeMutableRawPointer?", "Int32", "Int"], returns: "Int32",
    arguments: ["p0", "p1?.bindMemory(to: zmq_poller_event_t.self, capacity: Int(p2))", "p2", "p3"])

  func shim(draft: Bool) throws -> String {
    let model = try parseFixture("shapes/zmq-4.3.h")
    let context = try Workspace(root: Paths.fixtureWorkspace).generationContext(
      model: model, draft: draft, documentation: false)
    let spec = AvailabilitySpec(functions: [Self.waitAll], members: [], threadSafeSocketTypes: [])
    var diagnostics: [Diagnostic] = []
    return AvailabilityEmitter(context: context, spec: spec).emitSwift(diagnostics: &diagnostics).contents
  }

  @Test func theDeclaredCallUsesTheArguments() throws {
    let text = try shim(draft: true)
    #expect(text.contains("public static let poller = true"))
    #expect(
      text.contains(
        "CZeroMQ.zmq_poller_wait_all(p0, p1?.bindMemory(to: zmq_poller_event_t.self, capacity: Int(p2)), p2, p3)"))
    #expect(text.contains("_ p1: UnsafeMutableRawPointer?"))
  }

  @Test func theStubNeverNamesTheDraftType() throws {
    let text = try shim(draft: false)
    #expect(text.contains("public static let poller = false"))
    #expect(text.contains("throw ZMQError(unavailable: \"zmq_poller_wait_all\")"))
    #expect(!text.contains("zmq_poller_event_t"))
  }

  @Test func argumentsMustMatchTheParameters() throws {
    let yaml = """
      functions:
        - name: zmq_poller_wait_all
          flag: poller
          parameters: ["UnsafeMutableRawPointer?", "Int32"]
          arguments: ["p0"]
          returns: Int32
      members: []
      thread_safe_socket_types: []
      """
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("availability-\(UUID().uuidString).yaml")
    try yaml.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: SpecError.self) { try AvailabilitySpec.load(from: url) }
  }
}
