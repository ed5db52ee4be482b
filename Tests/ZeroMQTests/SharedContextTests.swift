import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

@Suite("Context.shared") struct SharedContextTests {
  @Test func everyCallerGetsTheSameContext() throws {
    let first = try Context.shared
    #expect(try Context.shared === first)
    let seen = Mutex<[ObjectIdentifier]>([])
    DispatchQueue.concurrentPerform(iterations: 16) { _ in
      if let context = try? Context.shared {
        seen.withLock { $0.append(ObjectIdentifier(context)) }
      }
    }
    let identities = seen.withLock { $0 }
    #expect(identities.count == 16)
    #expect(Set(identities) == [ObjectIdentifier(first)])
  }

  @Test func itWorksForSockets() throws {
    let endpoint = uniqueInproc()
    let pull = try makeSocket(Context.shared, .pull)
    try pull.bind(endpoint)
    let push = try makeSocket(Context.shared, .push)
    try push.connect(endpoint)
    try push.send("shared")
    #expect(try pull.recvString() == "shared")
    #expect(pull.context === push.context)
  }
}

/// The rule `shared` follows, on a slot of the test's own: shutting the
/// process-wide context down here would end it for every other test.
@Suite("Context.shared renewal") struct SharedContextRenewalTests {
  @Test func aShutDownOrTerminatedContextIsReplaced() throws {
    var slot: Context? = nil
    let first = try Context.live(&slot)
    #expect(try Context.live(&slot) === first)
    try first.shutdown()
    let second = try Context.live(&slot)
    #expect(second !== first)
    try first.term()
    try second.term()
    let third = try Context.live(&slot)
    #expect(third !== second)
    #expect(slot === third)
  }
}
