import Foundation
import Testing
@testable import ZeroMQ

@Suite struct PollerTests {
  let ctx: Context

  init() throws {
    ctx = try Context()
  }

  @Test func addRemoveAndSize() throws {
    let poller = Poller()
    #expect(poller.size == 0)
    let (a, b) = try connectedPair(ctx)
    try poller.add(a, events: .pollIn)
    try poller.add(b, events: [.pollIn, .pollOut], userData: 7)
    #expect(poller.size == 2)
    try poller.remove(a)
    #expect(poller.size == 1)
    try poller.remove(b)
    #expect(poller.size == 0)
    try poller.add(a, events: .pollIn)  // can come back after removal
    #expect(poller.size == 1)
  }

  @Test func addingTwiceOrTouchingAnUnknownSocketIsEinval() throws {
    let poller = Poller()
    let (a, b) = try connectedPair(ctx)
    try poller.add(a, events: .pollIn)
    expectZMQError(.einval) { try poller.add(a, events: .pollOut) }
    expectZMQError(.einval) { try poller.modify(b, events: .pollIn) }
    expectZMQError(.einval) { try poller.remove(b) }
    try poller.remove(a)
    expectZMQError(.einval) { try poller.remove(a) }
    #expect(poller.size == 0)
  }

  @Test func closedSocketsCannotBeAdded() throws {
    let poller = Poller()
    let socket = try ctx.socket(.pull)
    try socket.close()
    expectZMQError(.enotsock) { try poller.add(socket, events: .pollIn) }
    expectZMQError(.enotsock) { try poller.modify(socket, events: .pollIn) }
    expectZMQError(.enotsock) { try poller.remove(socket) }
    #expect(poller.size == 0)
  }

  @Test func reportsTheSameSocketWithItsUserDataAndEvents() throws {
    let poller = Poller()
    let (a, b) = try connectedPair(ctx)
    try poller.add(b, events: .pollIn, userData: "b")
    #expect(try poller.poll() == nil)
    try a.send("p")
    let event = try #require(try poller.wait(timeout: 1000))
    #expect(event.socket === b)
    #expect(event.userData as? String == "b")
    #expect(event.events == .pollIn)
    #expect(try event.socket.recvString() == "p")
    #expect(try poller.poll() == nil)
  }

  @Test func userDataDefaultsToNil() throws {
    let poller = Poller()
    let (a, b) = try connectedPair(ctx)  // b must stay open: a PAIR without a peer is not writable
    try poller.add(a, events: .pollOut)
    let event = try #require(try poller.poll())
    withExtendedLifetime(b) {}
    #expect(event.userData == nil)
    #expect(event.events == .pollOut)
  }

  @Test func modifyChangesTheWatchedEvents() throws {
    let poller = Poller()
    let (a, b) = try connectedPair(ctx)
    try poller.add(a, events: .pollIn, userData: 1)
    #expect(try poller.poll() == nil)
    try poller.modify(a, events: [.pollIn, .pollOut])
    let event = try #require(try poller.poll())
    #expect(event.events == .pollOut)
    #expect(event.userData as? Int == 1)
    try b.send("in")
    let both = try #require(try poller.wait(timeout: 1000))
    #expect(both.events == [.pollIn, .pollOut])
  }

  @Test func waitTimesOutWithNil() throws {
    let poller = Poller()
    let (_, b) = try connectedPair(ctx)
    try poller.add(b, events: .pollIn)
    let start = ContinuousClock.now
    #expect(try poller.wait(timeout: 100) == nil)
    #expect(ContinuousClock.now - start >= .milliseconds(90))
    #expect(try poller.waitAll(4, timeout: 50).isEmpty)
    #expect(try poller.pollAll(4).isEmpty)
  }

  @Test func waitAllAndPollAllReportEveryReadySocketUpToTheLimit() throws {
    let poller = Poller()
    var receivers: [Socket] = []
    var senders: [Socket] = []
    for index in 0..<3 {
      let (a, b) = try connectedPair(ctx)
      try poller.add(b, events: .pollIn, userData: index)
      receivers.append(b)
      senders.append(a)
    }
    for sender in senders { try sender.send("x") }
    let all = try poller.waitAll(10, timeout: 1000)
    #expect(all.count == 3)
    #expect(Set(all.compactMap { $0.userData as? Int }) == [0, 1, 2])
    #expect(all.allSatisfy { event in receivers.contains { $0 === event.socket } })
    #expect(try poller.pollAll(2).count == 2)
    #expect(try poller.pollAll(0).isEmpty)
    expectZMQError(.einval) { _ = try poller.waitAll(-1, timeout: 0) }
  }

  @Test func waitRotatesSoNoReadySocketStarves() throws {
    let poller = Poller()
    var senders: [Socket] = []
    for index in 0..<3 {
      let (a, b) = try connectedPair(ctx)
      try poller.add(b, events: .pollIn, userData: index)
      senders.append(a)
    }
    // All three stay readable (nothing is received), so a poller that always
    // scanned from the start would report socket 0 forever.
    for sender in senders { try sender.send("x") }
    var order: [Int] = []
    for _ in 0..<6 {
      let event = try #require(try poller.poll())
      order.append(try #require(event.userData as? Int))
    }
    #expect(order == [0, 1, 2, 0, 1, 2])
    // pollAll resumes after the last socket it reported.
    let firstTwo = try poller.pollAll(2).compactMap { $0.userData as? Int }
    let nextTwo = try poller.pollAll(2).compactMap { $0.userData as? Int }
    #expect(firstTwo == [0, 1])
    #expect(nextTwo == [2, 0])
  }

  @Test func socketClosedWhileRegisteredIsDroppedAndNeverPolled() throws {
    let poller = Poller()
    let (a1, b1) = try connectedPair(ctx)
    let (a2, b2) = try connectedPair(ctx)
    try poller.add(b1, events: .pollIn, userData: 1)
    try poller.add(b2, events: .pollIn, userData: 2)
    try a1.send("x")
    try a2.send("y")
    try b1.close()
    #expect(poller.size == 1)
    for _ in 0..<4 {
      let event = try #require(try poller.poll())
      #expect(event.socket === b2)
    }
    try b2.close()
    #expect(try poller.poll() == nil)
    #expect(try poller.waitAll(4, timeout: 10).isEmpty)
    #expect(poller.size == 0)
  }

  @Test func socketClosedByDestroyIsDropped() throws {
    let other = try Context()
    let poller = Poller()
    let (a, b) = try connectedPair(other)
    try poller.add(b, events: .pollIn)
    try a.send("x")
    try other.destroy(linger: 0)
    #expect(try poller.poll() == nil)
    #expect(poller.size == 0)
  }

  @Test func emptyPollerWaitsOutTheTimeoutButNeverForever() throws {
    let poller = Poller()
    #expect(try poller.poll() == nil)
    let start = ContinuousClock.now
    #expect(try poller.wait(timeout: 50) == nil)
    #expect(ContinuousClock.now - start >= .milliseconds(40))
    #expect(try poller.pollAll(3).isEmpty)
    expectZMQError(.efault) { _ = try poller.wait(timeout: -1) }
  }

  @Test func userDataIsHeldStrongly() throws {
    final class Payload {}
    weak var weakPayload: Payload?
    let poller = Poller()
    let (a, b) = try connectedPair(ctx)  // b must stay open: a PAIR without a peer is not writable
    defer { withExtendedLifetime(b) {} }
    do {
      let payload = Payload()
      weakPayload = payload
      try poller.add(a, events: .pollOut, userData: payload)
    }
    #expect(weakPayload != nil)
    do {
      let event = try #require(try poller.poll())
      #expect(event.userData as? Payload === weakPayload)
    }
    try poller.remove(a)
    #expect(weakPayload == nil)
  }

  @Test(.timeLimit(.minutes(1)))
  func waitingPollerWakesWithEtermOnShutdown() throws {
    let shared = try Context()
    let ready = Flag()
    let waiter = BackgroundThread {
      let socket = try shared.socket(.pull)
      defer { try? socket.close() }
      let poller = Poller()
      try poller.add(socket, events: .pollIn)
      ready.raise()
      do {
        _ = try poller.wait(timeout: 10_000)
        Issue.record("the wait returned instead of failing")
      } catch let error as ZMQError {
        #expect(error == .eterm)
      }
    }
    #expect(ready.wait(seconds: 5))
    Thread.sleep(forTimeInterval: 0.1)
    try shared.shutdown()
    let outcome = waiter.wait(seconds: 5)
    #expect(outcome != nil, "the poller did not wake up")
    if case .failure(let error)? = outcome { Issue.record(error) }
    try shared.term()
  }

  @Test func waitingAfterTheContextWasShutDownFailsWithEterm() throws {
    let shared = try Context()
    let socket = try makeSocket(shared, .pull)
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(socket, events: .pollIn)
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn)
    try shared.shutdown()
    expectZMQError(.eterm) { _ = try poller.wait(timeout: 1000) }
    expectZMQError(.eterm) { _ = try poller.poll() }
    try socket.close()
    #expect(try poller.poll() == nil)  // the descriptor alone is quiet
    try shared.term()
  }
}
