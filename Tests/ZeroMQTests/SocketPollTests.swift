import Foundation
import Testing
@testable import ZeroMQ

@Suite("Socket.poll and Duration timeouts") struct SocketPollTests {
  @Test func pollOneSocket() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    #expect(try b.poll(timeout: .zero) == [])
    #expect(try b.poll(.pollOut, timeout: .zero) == .pollOut)
    try a.send("hi")
    #expect(try b.poll(timeout: .seconds(2)) == .pollIn)
    #expect(try b.poll([.pollIn, .pollOut], timeout: .seconds(2)) == [.pollIn, .pollOut])
    #expect(try b.recvString() == "hi")
  }

  @Test func pollWaitsForTheTimeout() throws {
    let ctx = try Context()
    let (_, b) = try connectedPair(ctx)
    let start = ContinuousClock.now
    #expect(try b.poll(timeout: .milliseconds(50)) == [])
    #expect(ContinuousClock.now - start >= .milliseconds(45))
  }

  @Test func pollWithoutTimeoutWakesWhenAMessageArrives() throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let b = try makeSocket(ctx, .pull)
    try b.bind(endpoint)
    let sender = BackgroundThread {
      Thread.sleep(forTimeInterval: 0.05)
      let a = try makeSocket(ctx, .push)
      try a.connect(endpoint)
      try a.send("late")
      try a.close()
    }
    #expect(try b.poll() == .pollIn)
    #expect(try b.recvString() == "late")
    #expect(sender.wait(seconds: 5) != nil)
  }

  @Test func pollMisuse() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair)
    #expect(throws: ZMQError.einval) { _ = try socket.poll(timeout: .milliseconds(-1)) }
    #expect(throws: ZMQError.einval) { _ = try socket.poll(timeout: .seconds(Int64(Int32.max))) }
    try ctx.shutdown()
    #expect(throws: ZMQError.eterm) { _ = try socket.poll(timeout: .seconds(5)) }
    try socket.close()
    #expect(throws: ZMQError.enotsock) { _ = try socket.poll(timeout: .zero) }
    try ctx.term()
  }

  @Test func waitAllReportsEveryReadySocket() throws {
    let ctx = try Context()
    let (a1, b1) = try connectedPair(ctx)
    let (a2, b2) = try connectedPair(ctx)
    let (_, b3) = try connectedPair(ctx)
    let poller = Poller()
    try poller.add(b1, events: .pollIn)
    try poller.add(b2, events: .pollIn)
    try poller.add(b3, events: .pollIn)
    #expect(try poller.waitAll(timeout: .zero).isEmpty)
    try a1.send("1")
    try a2.send("2")
    let events = try poller.waitAll()  // blocks; something is ready
    #expect(Set(events.map { ObjectIdentifier($0.socket) }) == [ObjectIdentifier(b1), ObjectIdentifier(b2)])
    #expect(events.allSatisfy { $0.events == .pollIn })
  }

  @Test func waitAllOnAnEmptyPoller() throws {
    let poller = Poller()
    #expect(throws: ZMQError.efault) { _ = try poller.waitAll() }
    #expect(try poller.waitAll(timeout: .milliseconds(1)).isEmpty)
  }

  @Test func durationWaitsOnThePoller() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    let poller = Poller()
    try poller.add(b, events: .pollIn)
    #expect(try poller.wait(timeout: .milliseconds(1)) == nil)
    try a.send("x")
    #expect(try poller.wait(timeout: nil)?.socket === b)
    #expect(try poller.waitAll(5, timeout: .seconds(1)).count == 1)
    #expect(throws: ZMQError.einval) { _ = try poller.wait(timeout: .seconds(-1)) }
  }

  @Test func durationOptions() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.dealer)
    #expect(try socket.get(.rcvtimeo, as: Duration.self) == nil)  // -1: for ever
    try socket.set(.rcvtimeo, .seconds(2))
    #expect(try socket.get(.rcvtimeo) == 2000)
    #expect(try socket.get(.rcvtimeo, as: Duration.self) == .seconds(2))
    try socket.set(.sndtimeo, .microseconds(1))  // rounded up, never 0
    #expect(try socket.get(.sndtimeo) == 1)
    try socket.set(.sndtimeo, .zero)
    #expect(try socket.get(.sndtimeo, as: Duration.self) == .zero)
    try socket.set(.linger, nil)
    #expect(try socket.get(.linger) == -1)
    try socket.set(.linger, .milliseconds(250))
    #expect(try socket.get(.linger, as: Duration.self) == .milliseconds(250))
    try socket.set(.reconnectIvl, .milliseconds(300))
    #expect(try socket.get(.reconnectIvl) == 300)
    try socket.set(.reconnectIvl, nil)
    #expect(try socket.get(.reconnectIvl) == -1)
    try socket.set(.reconnectIvlMax, nil)
    #expect(try socket.get(.reconnectIvlMax) == 0)
    try socket.set(.handshakeIvl, .seconds(3))
    #expect(try socket.get(.handshakeIvl, as: Duration.self) == .seconds(3))
    try socket.set(.handshakeIvl, nil)
    #expect(try socket.get(.handshakeIvl) == 0)
    // The millisecond forms are unchanged.
    try socket.set(.rcvtimeo, 1500)
    #expect(try socket.get(.rcvtimeo) == 1500)
    #expect(SocketDurationOption.rcvtimeo.description == "ZMQ_RCVTIMEO")
  }

  @Test func durationOptionMisuse() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.pair)
    #expect(throws: ZMQError.einval) { try socket.set(.rcvtimeo, .milliseconds(-5)) }
    #expect(throws: ZMQError.einval) { try socket.set(.rcvtimeo, .seconds(3_000_000)) }
    #expect(try socket.get(.rcvtimeo) == -1, "a refused value changed the option")
    try socket.close()
    #expect(throws: ZMQError.enotsock) { try socket.set(.rcvtimeo, .seconds(-1)) }
    #expect(throws: ZMQError.enotsock) { _ = try socket.get(.rcvtimeo, as: Duration.self) }
  }

  @Test func theReceiveTimeoutAsADurationIsHonoured() throws {
    let ctx = try Context()
    let (_, b) = try connectedPair(ctx)
    try b.set(.rcvtimeo, .milliseconds(30))
    let start = ContinuousClock.now
    #expect(throws: ZMQError.eagain) { _ = try b.recv() }
    #expect(ContinuousClock.now - start >= .milliseconds(25))
  }

  @Test func monitorAndControllerTakeDurations() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pull)
    let monitor = try socket.monitor(events: .listening)
    defer { monitor.close() }
    try socket.bind("tcp://127.0.0.1:*")
    let event = try monitor.next(timeout: .seconds(5))
    #expect(event?.event == .listening)
    #expect(try monitor.next(timeout: .milliseconds(1)) == nil)
    let controller = try ProxyController(context: ctx, timeout: .milliseconds(20))
    #expect(try controller.socket.get(.sndtimeo) == 20)
    #expect(try controller.socket.get(.rcvtimeo) == 20)
    let forever = try ProxyController(context: ctx, timeout: nil)
    #expect(try forever.socket.get(.rcvtimeo) == -1)
  }
}
