import Foundation
import Testing
@testable import ZeroMQ

@Suite("ThreadProxy") struct ThreadProxyTests {
  /// A PUSH → proxy (PULL → PUSH) → PULL pipeline over inproc.
  func pipeline(_ ctx: Context) throws -> (ThreadProxy, Socket, Socket) {
    let jobs = uniqueInproc("jobs"), results = uniqueInproc("results")
    let proxy = ThreadProxy(
      context: ctx,
      frontend: SocketDescription(.pull, bind: [jobs]) { try $0.set(.rcvhwm, 100) },
      backend: SocketDescription(.push, bind: [results]))
    try proxy.start()
    let producer = try makeSocket(ctx, .push)
    try producer.connect(jobs)
    let consumer = try makeSocket(ctx, .pull)
    try consumer.connect(results)
    return (proxy, producer, consumer)
  }

  @Test(.timeLimit(.minutes(1)))
  func passesMessagesAndStops() throws {
    let ctx = try Context()
    let (proxy, producer, consumer) = try pipeline(ctx)
    #expect(proxy.isRunning)
    try producer.send("job")
    #expect(try consumer.recvString() == "job")
    #expect(try proxy.stop() == .terminated)
    #expect(!proxy.isRunning)
    #expect(try proxy.stop() == .terminated, "a second stop reports the same end")
    #expect(throws: ThreadProxyError.notRunning) { try proxy.pause() }
    #expect(throws: ThreadProxyError.alreadyStarted) { try proxy.start() }
  }

  @Test(.timeLimit(.minutes(1)))
  func multipartMessageCountsAsOneInTheStatistics() throws {
    let ctx = try Context()
    let (proxy, producer, consumer) = try pipeline(ctx)
    try producer.sendMultipart(["one", "two", "three"])  // 11 bytes in 3 parts
    #expect(try consumer.recvMultipart() == [Array("one".utf8), Array("two".utf8), Array("three".utf8)])
    let stats = try proxy.statistics()
    #expect(stats.frontend.messagesReceived == 1)
    #expect(stats.frontend.bytesReceived == 11)
    #expect(stats.backend.messagesSent == 1)
    #expect(stats.backend.bytesSent == 11)
    try proxy.stop()
  }

  @Test(.timeLimit(.minutes(1)))
  func pauseHoldsMessagesUntilResume() throws {
    let ctx = try Context()
    let (proxy, producer, consumer) = try pipeline(ctx)
    try producer.send("before")
    #expect(try consumer.recvString() == "before")
    try proxy.pause()
    try producer.send("held")
    try consumer.set(.rcvtimeo, 150)
    expectNothingArrives(consumer)
    try proxy.resume()
    try consumer.set(.rcvtimeo, 2000)
    #expect(try consumer.recvString() == "held")
    try proxy.stop()
  }

  @Test(.timeLimit(.minutes(1)))
  func theHandleIsSendableAndWorksFromAnotherThread() throws {
    let ctx = try Context()
    let (proxy, producer, consumer) = try pipeline(ctx)
    try producer.send("x")
    #expect(try consumer.recvString() == "x")
    let other = BackgroundThread {
      let stats = try proxy.statistics()
      #expect(stats.frontend.messagesReceived == 1)
      try proxy.stop()
    }
    #expect(other.wait(seconds: 10) != nil)
    #expect(!proxy.isRunning)
  }

  @Test(.timeLimit(.minutes(1)))
  func aSetupErrorIsThrownFromStart() throws {
    let ctx = try Context()
    let proxy = ThreadProxy(
      context: ctx,
      frontend: SocketDescription(.pull, bind: ["bogus://nowhere"]),
      backend: SocketDescription(.push, bind: [uniqueInproc()]))
    #expect(throws: ZMQError.eprotonosupport) { try proxy.start() }
    #expect(!proxy.isRunning)
    #expect(throws: ThreadProxyError.notRunning) { _ = try proxy.statistics() }
    #expect(throws: ZMQError.eprotonosupport) { try proxy.stop() }
    let configured = ThreadProxy(
      context: ctx,
      frontend: SocketDescription(.pull) { _ in throw ZMQError.einval },
      backend: SocketDescription(.push))
    #expect(throws: ZMQError.einval) { try configured.start() }
  }

  @Test func startOnAShutDownContextThrowsETERM() throws {
    let ctx = try Context()
    try ctx.shutdown()
    let proxy = ThreadProxy(
      context: ctx, frontend: SocketDescription(.pull), backend: SocketDescription(.push))
    #expect(throws: ZMQError.eterm) { try proxy.start() }
    #expect(!proxy.isRunning)
    #expect(throws: ThreadProxyError.notRunning) { try proxy.pause() }
    try ctx.term()
  }

  @Test func neverStarted() throws {
    let ctx = try Context()
    let proxy = ThreadProxy(
      context: ctx, frontend: SocketDescription(.pull), backend: SocketDescription(.push))
    #expect(throws: ThreadProxyError.notRunning) { try proxy.resume() }
    #expect(try proxy.stop() == nil)
    #expect(throws: ThreadProxyError.alreadyStarted) { try proxy.start() }
  }

  @Test(.timeLimit(.minutes(1)))
  func contextShutdownEndsTheProxy() throws {
    let ctx = try Context()
    let (proxy, producer, consumer) = try pipeline(ctx)
    try ctx.shutdown()
    let deadline = ContinuousClock.now + .seconds(5)
    while proxy.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
    #expect(!proxy.isRunning)
    #expect(throws: ThreadProxyError.notRunning) { try proxy.pause() }
    #expect(try proxy.stop() == .contextTerminated)
    try producer.close()
    try consumer.close()
    expectFinishes(within: 5, "term() after the proxy ended") { try ctx.term() }
  }

  @Test(.timeLimit(.minutes(1)))
  func releasingTheHandleStopsTheProxy() throws {
    let ctx = try Context()
    do {
      let (proxy, producer, consumer) = try pipeline(ctx)
      try producer.send("x")
      #expect(try consumer.recvString() == "x")
      _ = proxy
      try producer.close()
      try consumer.close()
    }
    expectFinishes(within: 5, "term() after the handle was released") { try ctx.term() }
  }
}
