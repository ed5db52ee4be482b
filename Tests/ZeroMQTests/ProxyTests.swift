import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

/// A value one thread sets and another reads.
final class Locked<Value: Sendable>: Sendable {
  private let value: Mutex<Value>
  init(_ value: Value) { self.value = Mutex(value) }
  func set(_ newValue: Value) { value.withLock { $0 = newValue } }
  var get: Value { value.withLock { $0 } }
}

/// Expects a blocking receive to time out: nothing arrives within the
/// socket's `.rcvtimeo`.
func expectNothingArrives(_ socket: Socket, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(throws: ZMQError.eagain, "a message arrived", sourceLocation: sourceLocation) {
    _ = try socket.recv()
  }
}

@Suite("Proxy") struct ProxyTests {
  /// Joins a proxy thread, failing the test if it does not end in time.
  func join(_ thread: BackgroundThread, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    switch thread.wait(seconds: 5) {
    case nil: Issue.record("\(what) did not return within 5 s", sourceLocation: sourceLocation)
    case .failure(let error)?: Issue.record(error, "\(what) failed", sourceLocation: sourceLocation)
    case .success?: break
    }
  }

  @Test("a PULL/PUSH streamer passes messages on and the capture socket sees copies")
  func streamerWithCapture() throws {
    let ctx = try Context()
    let (input, output, captured) = (uniqueInproc("in"), uniqueInproc("out"), uniqueInproc("capture"))
    let ready = Flag()
    let proxy = BackgroundThread {
      let frontend = try makeSocket(ctx, .pull)
      let backend = try makeSocket(ctx, .push)
      let capture = try makeSocket(ctx, .push)
      try frontend.bind(input)
      try backend.bind(output)
      try capture.bind(captured)
      ready.raise()
      try ZMQ.proxy(frontend: frontend, backend: backend, capture: capture)
      try frontend.close(); try backend.close(); try capture.close()
    }
    #expect(ready.wait(seconds: 5))

    let producer = try makeSocket(ctx, .push)
    let consumer = try makeSocket(ctx, .pull)
    let tap = try makeSocket(ctx, .pull)
    try producer.connect(input)
    try consumer.connect(output)
    try tap.connect(captured)

    try producer.send("one")
    try producer.send("two", flags: .sndMore)
    try producer.send("parts")
    #expect(try consumer.recvString() == "one")
    #expect(try consumer.recvString() == "two")
    #expect(try consumer.get(.rcvmore))
    #expect(try consumer.recvString() == "parts")
    #expect(try tap.recvString() == "one")
    #expect(try tap.recvString() == "two")
    #expect(try tap.get(.rcvmore))
    #expect(try tap.recvString() == "parts")

    // A plain proxy ends when its context is shut down, and returns normally.
    try ctx.shutdown()
    join(proxy, "the proxy")
    for socket in [producer, consumer, tap] { try socket.close() }
    try ctx.term()
  }

  @Test("a ROUTER/DEALER queue carries requests one way and replies back")
  func sharedQueue() throws {
    let ctx = try Context()
    let (clients, workers) = (uniqueInproc("clients"), uniqueInproc("workers"))
    let ready = Flag()
    let proxy = BackgroundThread {
      let frontend = try makeSocket(ctx, .router)
      let backend = try makeSocket(ctx, .dealer)
      try frontend.bind(clients)
      try backend.bind(workers)
      ready.raise()
      try ZMQ.proxy(frontend: frontend, backend: backend)
      try frontend.close(); try backend.close()
    }
    #expect(ready.wait(seconds: 5))

    let worker = try makeSocket(ctx, .rep)
    try worker.connect(workers)
    let first = try makeSocket(ctx, .req)
    let second = try makeSocket(ctx, .req)
    try first.connect(clients)
    try second.connect(clients)

    try first.send("ping 1")
    #expect(try worker.recvString() == "ping 1")
    try worker.send("pong 1")
    #expect(try first.recvString() == "pong 1")

    try second.send("ping 2")
    #expect(try worker.recvString() == "ping 2")
    try worker.send("pong 2")
    #expect(try second.recvString() == "pong 2")

    try ctx.shutdown()
    join(proxy, "the proxy")
    for socket in [worker, first, second] { try socket.close() }
    try ctx.term()
  }

  @Test("a steerable proxy pauses, resumes, reports statistics and terminates")
  func steering() throws {
    let ctx = try Context()
    let (input, output) = (uniqueInproc("in"), uniqueInproc("out"))
    let controller = try ProxyController(context: ctx, timeout: 2000)
    let controlEndpoint = controller.endpoint
    let (proxy, exit) = try startSteerableProxy(ctx, input: input, output: output, control: controlEndpoint)

    let producer = try makeSocket(ctx, .push)
    let consumer = try makeSocket(ctx, .pull, timeout: 300)
    try producer.connect(input)
    try consumer.connect(output)

    try producer.send("hello")
    #expect(try consumer.recvString() == "hello")

    try controller.pause()
    // Commands are handled in order, so once the statistics reply is here
    // the proxy is paused.
    _ = try controller.statistics()
    try producer.send("while paused")
    expectNothingArrives(consumer)

    try controller.resume()
    try consumer.set(.rcvtimeo, 2000)
    #expect(try consumer.recvString() == "while paused")

    let statistics = try controller.statistics()
    #expect(statistics.frontend.messagesReceived == 2)
    #expect(statistics.frontend.bytesReceived == 17)
    #expect(statistics.backend.messagesSent == 2)
    #expect(statistics.backend.bytesSent == 17)
    #expect(statistics.frontend.messagesSent == 0)
    #expect(statistics.backend.messagesReceived == 0)

    try controller.terminate()
    join(proxy, "the steerable proxy")
    #expect(exit.get == .terminated)
    // Should the proxy still run (a failure above), shutting the context
    // down ends it, so the test fails instead of hanging in term().
    try ctx.shutdown()
    for socket in [producer, consumer, controller.socket] { try socket.close() }
    try ctx.term()
  }

  @Test("a steerable proxy whose context terminates returns promptly")
  func steerableContextTerminated() throws {
    let ctx = try Context()
    let controller = try ProxyController(context: ctx, timeout: 2000)
    let controlEndpoint = controller.endpoint
    let (input, output) = (uniqueInproc("in"), uniqueInproc("out"))
    let (proxy, exit) = try startSteerableProxy(ctx, input: input, output: output, control: controlEndpoint)
    try controller.socket.close()
    // term() shuts the context down, waits for the proxy thread to close
    // its sockets, and must not hang.
    expectFinishes(within: 5, "term() with a running proxy") { try ctx.term() }
    join(proxy, "the steerable proxy")
    #expect(exit.get == .contextTerminated)
  }

  @Test("a plain proxy whose context terminates returns instead of hanging")
  func plainContextTerminated() throws {
    let ctx = try Context()
    let ready = Flag()
    let proxy = BackgroundThread {
      let frontend = try makeSocket(ctx, .xsub)
      let backend = try makeSocket(ctx, .xpub)
      try frontend.bind(uniqueInproc("publishers"))
      try backend.bind(uniqueInproc("subscribers"))
      ready.raise()
      try ZMQ.proxy(frontend: frontend, backend: backend)
      try frontend.close(); try backend.close()
    }
    #expect(ready.wait(seconds: 5))
    expectFinishes(within: 5, "term() with a running proxy") { try ctx.term() }
    join(proxy, "the proxy")
  }

  @Test("a proxy refuses closed sockets")
  func closedSockets() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let frontend = try makeSocket(ctx, .pull)
    let backend = try makeSocket(ctx, .push)
    let control = try makeSocket(ctx, .pair)
    try control.close()
    expectZMQError(.enotsock) {
      try ZMQ.proxySteerable(frontend: frontend, backend: backend, control: control)
    }
    try backend.close()
    expectZMQError(.enotsock) { try ZMQ.proxy(frontend: frontend, backend: backend) }
  }

  @Test("a proxy started after its context was shut down returns at once")
  func afterShutdown() throws {
    let ctx = try Context()
    expectFinishes(within: 5, "proxies on a shut-down context") {
      let frontend = try makeSocket(ctx, .pull)
      let backend = try makeSocket(ctx, .push)
      let control = try makeSocket(ctx, .pair)
      try ctx.shutdown()
      #expect(try ZMQ.proxySteerable(frontend: frontend, backend: backend, control: control) == .contextTerminated)
      try ZMQ.proxy(frontend: frontend, backend: backend)
      try frontend.close(); try backend.close(); try control.close()
    }
    try ctx.term()
  }

  // A libzmq built with the draft API aborts in zmq_proxy when a socket has
  // already seen its context's shutdown; the runtime must not hand it one.
  @Test("a proxy whose sockets have already seen the shutdown returns at once, never reaching libzmq")
  func afterSocketsSawTheShutdown() throws {
    let ctx = try Context()
    expectFinishes(within: 5, "proxies on sockets that saw the shutdown") {
      let frontend = try makeSocket(ctx, .pull)
      let backend = try makeSocket(ctx, .push)
      let capture = try makeSocket(ctx, .pub)
      let control = try makeSocket(ctx, .pair)
      try ctx.shutdown()
      // Each socket learns of the shutdown, as libzmq's poller would find.
      expectZMQError(.eterm) { _ = try frontend.recv(flags: .dontWait) }
      expectZMQError(.eterm) { try backend.send("x", flags: .dontWait) }
      expectZMQError(.eterm) { try capture.send("x", flags: .dontWait) }
      expectZMQError(.eterm) { _ = try control.recv(flags: .dontWait) }
      try ZMQ.proxy(frontend: frontend, backend: backend, capture: capture)
      try ZMQ.proxy(frontend: frontend, backend: frontend)
      #expect(
        try ZMQ.proxySteerable(frontend: frontend, backend: backend, capture: capture, control: control)
          == .contextTerminated)
      for socket in [frontend, backend, capture, control] { try socket.close() }
    }
    try ctx.term()
  }

  @Test("a proxy started while another thread terminates its context returns at once")
  func whileTerminating() throws {
    let ctx = try Context()
    let frontend = try makeSocket(ctx, .pull)
    let backend = try makeSocket(ctx, .push)
    let control = try makeSocket(ctx, .pair)
    let terminating = BackgroundThread { try ctx.term() }  // waits for the three sockets
    let deadline = ContinuousClock.now + .seconds(5)
    while !ctx.isShutDown && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
    expectZMQError(.eterm) { _ = try frontend.recv(flags: .dontWait) }
    try ZMQ.proxy(frontend: frontend, backend: backend)
    #expect(try ZMQ.proxySteerable(frontend: frontend, backend: backend, control: control) == .contextTerminated)
    for socket in [frontend, backend, control] { try socket.close() }
    if case .failure(let error)? = terminating.wait(seconds: 5) { Issue.record(error, "term()") }
  }

  @Test("a controller without a proxy times out instead of hanging")
  func controllerTimeout() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let controller = try ProxyController(context: ctx, timeout: 100)
    #expect(controller.endpoint.hasPrefix("inproc://"))
    expectZMQError(.eagain) { try controller.pause() }
    expectZMQError(.eagain) { _ = try controller.statistics() }
  }

  @Test("the statistics reply is validated")
  func statisticsShape() throws {
    let frame = withUnsafeBytes(of: UInt64(7)) { [UInt8]($0) }
    let statistics = try ProxyStatistics(replyFrames: Array(repeating: frame, count: 8))
    #expect(statistics.frontend.bytesSent == 7 && statistics.backend.messagesReceived == 7)
    #expect(throws: ProxyStatisticsError.wrongFrameCount(7)) {
      try ProxyStatistics(replyFrames: Array(repeating: frame, count: 7))
    }
    var frames = Array(repeating: frame, count: 8)
    frames[3] = [1, 2]
    #expect(throws: ProxyStatisticsError.wrongFrameSize(frame: 3, size: 2)) {
      try ProxyStatistics(replyFrames: frames)
    }
    #expect(
      ProxyStatisticsError.wrongFrameSize(frame: 3, size: 2).description
        == "part 3 of a proxy statistics reply has 2 bytes instead of 8")
  }

  @Test("commands are the texts libzmq expects")
  func commandTexts() {
    #expect(ProxyCommand.allCases.map(\.rawValue) == ["PAUSE", "RESUME", "TERMINATE"])
  }
}

/// Runs `ZMQ.proxySteerable` on a thread of its own: PULL bound to `input`,
/// PUSH bound to `output`, PAIR connected to `control`; returns once the
/// sockets are set up, with the thread and where its exit will be stored.
private func startSteerableProxy(
  _ ctx: Context, input: String, output: String, control controlEndpoint: String,
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> (BackgroundThread, Locked<ProxyExit?>) {
  let exit = Locked<ProxyExit?>(nil)
  let ready = Flag()
  let proxy = BackgroundThread {
    let frontend = try makeSocket(ctx, .pull)
    let backend = try makeSocket(ctx, .push)
    let control = try makeSocket(ctx, .pair)
    try frontend.bind(input)
    try backend.bind(output)
    try control.connect(controlEndpoint)
    ready.raise()
    exit.set(try ZMQ.proxySteerable(frontend: frontend, backend: backend, control: control))
    try frontend.close(); try backend.close(); try control.close()
  }
  #expect(ready.wait(seconds: 5), sourceLocation: sourceLocation)
  return (proxy, exit)
}
