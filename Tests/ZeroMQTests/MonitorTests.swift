import Foundation
import Testing
@testable import ZeroMQ

/// The first frame of a monitor message: a 16-bit event code and a 32-bit
/// value, in the host's byte order (as libzmq writes them).
func monitorFrame(_ code: UInt16, _ value: UInt32) -> [UInt8] {
  withUnsafeBytes(of: code) { Array($0) } + withUnsafeBytes(of: value) { Array($0) }
}

/// Reads events until one of `kind` arrives (skipping others), or fails
/// after `timeout` milliseconds in all.
func awaitEvent(
  _ monitor: SocketMonitor, _ kind: MonitorEvents, timeout: Int32 = 10_000,
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> MonitorEvent? {
  let deadline = ContinuousClock.now + .milliseconds(timeout)
  while ContinuousClock.now < deadline {
    let left = deadline - ContinuousClock.now
    let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
    guard let event = try monitor.next(timeout: max(milliseconds, 0)) else { break }
    if event.event == kind { return event }
  }
  Issue.record("no \(kind) event within \(timeout) ms", sourceLocation: sourceLocation)
  return nil
}

/// Reads every event until the monitor stops (or 10 s pass).
func eventsUntilStopped(_ monitor: SocketMonitor, sourceLocation: SourceLocation = #_sourceLocation) throws
  -> [MonitorEvent]
{
  var events: [MonitorEvent] = []
  let deadline = ContinuousClock.now + .seconds(10)
  while !monitor.isStopped && ContinuousClock.now < deadline {
    if let event = try monitor.next(timeout: 100) { events.append(event) }
  }
  if !monitor.isStopped { Issue.record("the monitor did not stop within 10 s", sourceLocation: sourceLocation) }
  return events
}

/// Reports how many events an unread monitor delivered in the end.
struct MonitorCountError: Error, CustomStringConvertible {
  let listening: Int, closed: Int
  var description: String { "delivered \(listening) LISTENING and \(closed) CLOSED events" }
}

@Suite("Socket monitor") struct MonitorTests {
  // MARK: Decoding

  @Test func decodesAWellFormedMessage() throws {
    let event = try MonitorEvent.decode(first: monitorFrame(0x0008, 12), second: Array("tcp://127.0.0.1:5555".utf8))
    #expect(event == MonitorEvent(event: .listening, value: 12, endpoint: "tcp://127.0.0.1:5555"))
    #expect(event.name == "listening")
    #expect(event.description == "listening tcp://127.0.0.1:5555 (fd 12)")
    #expect(event.error == nil)
  }

  @Test(.requires("ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL")) func decodesValuesAsSigned32BitIntegers() throws {
    let event = try MonitorEvent.decode(first: monitorFrame(0x2000, 0x1100_0001), second: [UInt8]())
    #expect(event.event == .handshakeFailedProtocol)
    #expect(event.value == 0x1100_0001)  // ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
    #expect(event.description == "handshakeFailedProtocol (protocol error 0x11000001)")
    let negative = try MonitorEvent.decode(first: monitorFrame(0x0001, 0xFFFF_FFFF), second: Data("x".utf8))
    #expect(negative.value == -1)
  }

  @Test func errnoValuedEventsExposeTheirError() throws {
    let failed = try MonitorEvent.decode(
      first: monitorFrame(0x0010, UInt32(ZMQError.eaddrinuse.code)), second: Array("tcp://1.2.3.4:5".utf8))
    #expect(failed.event == .bindFailed)
    #expect(failed.error == .eaddrinuse)
    #expect(failed.description == "bindFailed tcp://1.2.3.4:5 (error EADDRINUSE)")
    let retried = MonitorEvent(event: .connectRetried, value: 200, endpoint: "tcp://h:1")
    #expect(retried.error == nil)
    #expect(retried.description == "connectRetried tcp://h:1 (retry in 200 ms)")
    let auth = MonitorEvent(event: .handshakeFailedAuth, value: 400, endpoint: "tcp://h:1")
    #expect(auth.description == "handshakeFailedAuth tcp://h:1 (ZAP status 400)")
    #expect(MonitorEvent(event: .monitorStopped, value: 0, endpoint: "").description == "monitorStopped")
  }

  /// Every event libzmq 4.3 emits, with its code.
  static let libzmqEvents: [(MonitorEvents, UInt16, String)] = [
    (.connected, 0x0001, "connected"), (.connectDelayed, 0x0002, "connectDelayed"),
    (.connectRetried, 0x0004, "connectRetried"), (.listening, 0x0008, "listening"),
    (.bindFailed, 0x0010, "bindFailed"), (.accepted, 0x0020, "accepted"),
    (.acceptFailed, 0x0040, "acceptFailed"), (.closed, 0x0080, "closed"),
    (.closeFailed, 0x0100, "closeFailed"), (.disconnected, 0x0200, "disconnected"),
    (.monitorStopped, 0x0400, "monitorStopped"), (.handshakeFailedNoDetail, 0x0800, "handshakeFailedNoDetail"),
    (.handshakeSucceeded, 0x1000, "handshakeSucceeded"), (.handshakeFailedProtocol, 0x2000, "handshakeFailedProtocol"),
    (.handshakeFailedAuth, 0x4000, "handshakeFailedAuth"),
  ]

  @Test func everyLibzmqEventDecodes() throws {
    for (kind, code, name) in Self.libzmqEvents {
      #expect(kind.rawValue == Int32(code), "\(name)")
      let event = try MonitorEvent.decode(first: monitorFrame(code, 3), second: Array("inproc://x".utf8))
      #expect(event.event == kind)
      #expect(event.name == name)
      #expect(event.value == 3)
      #expect(event.endpoint == "inproc://x")
    }
    #expect(MonitorEvents.all.rawValue == 0xFFFF)
  }

  @Test(arguments: [0, 1, 5, 7, 16])
  func rejectsAFirstFrameOfTheWrongSize(size: Int) {
    #expect(throws: MonitorEventDecodingError.wrongFirstFrameSize(size)) {
      try MonitorEvent.decode(first: [UInt8](repeating: 1, count: size), second: [UInt8]())
    }
  }

  @Test func rejectsBadEventCodes() {
    #expect(throws: MonitorEventDecodingError.noEvent) {
      try MonitorEvent.decode(first: monitorFrame(0, 0), second: [UInt8]())
    }
    #expect(throws: MonitorEventDecodingError.multipleEvents(0x0003)) {
      try MonitorEvent.decode(first: monitorFrame(3, 0), second: [UInt8]())
    }
    #expect(throws: MonitorEventDecodingError.multipleEvents(0xFFFF)) {
      try MonitorEvent.decode(first: monitorFrame(0xFFFF, 0), second: [UInt8]())
    }
    #expect(throws: MonitorEventDecodingError.unknownEvent(0x8000)) {
      try MonitorEvent.decode(first: monitorFrame(0x8000, 0), second: [UInt8]())
    }
  }

  @Test func rejectsAnEndpointThatIsNotUTF8() {
    #expect(throws: MonitorEventDecodingError.endpointNotUTF8) {
      try MonitorEvent.decode(first: monitorFrame(0x0008, 1), second: [0x74, 0xC3, 0x28])
    }
  }

  @Test func decodingErrorsSayWhatWasWrong() {
    #expect(
      MonitorEventDecodingError.wrongFirstFrameSize(5).description
        == "monitor event: the first frame has 5 bytes, expected 6 (a 16-bit event and a 32-bit value)")
    #expect(MonitorEventDecodingError.wrongFirstFrameSize(1).description.contains("has 1 byte,"))
    #expect(MonitorEventDecodingError.noEvent.description == "monitor event: the event code is 0")
    #expect(
      MonitorEventDecodingError.multipleEvents(3).description
        == "monitor event: the event code 0x3 has more than one event bit set")
    #expect(MonitorEventDecodingError.unknownEvent(0x8000).description == "monitor event: unknown event code 0x8000")
    #expect(
      MonitorEventDecodingError.endpointNotUTF8.description == "monitor event: the endpoint frame is not valid UTF-8")
    #expect(
      MonitorEventDecodingError.missingEndpointFrame.description == "monitor event: the message has no endpoint frame")
    #expect(
      MonitorEventDecodingError.extraFrames(2).description
        == "monitor event: the message has 2 unexpected frames after the endpoint")
  }

  @Test func malformedMessagesOnTheMonitorSocketAreReportedAndSkipped() throws {
    // Feed a monitor's receive path from an ordinary peer, as a
    // misbehaving libzmq would.
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let receiver = try makeSocket(ctx, .pair)
    try receiver.bind(endpoint)
    let fake = try makeSocket(ctx, .pair)
    try fake.connect(endpoint)
    let probe = SocketMonitor(socket: receiver, endpoint: endpoint, watched: .all)
    try fake.send([1, 2, 3] as [UInt8], flags: .sndMore)
    try fake.send("x")
    #expect(throws: MonitorEventDecodingError.wrongFirstFrameSize(3)) { try probe.next(timeout: 2000) }
    try fake.send(monitorFrame(0x0008, 1))
    #expect(throws: MonitorEventDecodingError.missingEndpointFrame) { try probe.next(timeout: 2000) }
    try fake.send(monitorFrame(0x0008, 1), flags: .sndMore)
    try fake.send("a", flags: .sndMore)
    try fake.send("b", flags: .sndMore)
    try fake.send("c")
    #expect(throws: MonitorEventDecodingError.extraFrames(2)) { try probe.next(timeout: 2000) }
    try fake.send(monitorFrame(0x0008, 9), flags: .sndMore)
    try fake.send("inproc://fine")
    #expect(try probe.next(timeout: 2000) == MonitorEvent(event: .listening, value: 9, endpoint: "inproc://fine"))
    try fake.send(monitorFrame(0x0400, 0), flags: .sndMore)
    try fake.send("")
    #expect(try probe.next(timeout: 2000)?.event == .monitorStopped)
    #expect(probe.isStopped)
    probe.close()
    try fake.close()
    try ctx.term()
  }

  // MARK: Events provoked on the loopback

  @Test func reportsListeningAcceptedConnectedHandshakeDisconnectedAndClosed() throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .rep)
    let client = try makeSocket(ctx, .req)
    let serverMonitor = try server.monitor()
    let clientMonitor = try client.monitor()

    let endpoint = try bindTCP(server)
    let listening = try #require(try awaitEvent(serverMonitor, .listening))
    #expect(listening.endpoint == endpoint)
    #expect(listening.value >= 0, "the listener's file descriptor")

    try client.connect(endpoint)
    let connected = try #require(try awaitEvent(clientMonitor, .connected))
    #expect(connected.endpoint == endpoint)
    #expect(try awaitEvent(clientMonitor, .handshakeSucceeded)?.endpoint == endpoint)
    let accepted = try #require(try awaitEvent(serverMonitor, .accepted))
    #expect(accepted.endpoint.hasPrefix("tcp://127.0.0.1:"))
    #expect(try awaitEvent(serverMonitor, .handshakeSucceeded) != nil)

    try client.send("ping")
    #expect(try server.recvString() == "ping")

    // Closing the client drops the connection: the server sees it go.
    try client.close()
    #expect(try awaitEvent(clientMonitor, .monitorStopped) != nil)
    let disconnected = try #require(try awaitEvent(serverMonitor, .disconnected))
    #expect(disconnected.value == accepted.value, "the same connection's descriptor")

    try server.unbind(endpoint)
    let closed = try #require(try awaitEvent(serverMonitor, .closed))
    #expect(closed.endpoint == endpoint)
    #expect(closed.value == listening.value)

    try server.stopMonitor()
    #expect(try awaitEvent(serverMonitor, .monitorStopped) != nil)
    try server.close()
    try ctx.term()
  }

  @Test func reportsConnectRetriedAndConnectDelayedWhenNobodyListens() throws {
    let ctx = try Context()
    // A loopback port that was free a moment ago.
    let probe = try makeSocket(ctx, .pull)
    let endpoint = try bindTCP(probe)
    try probe.close()

    let client = try makeSocket(ctx, .push)
    try client.set(.reconnectIvl, 50)
    let monitor = try client.monitor(events: [.connectDelayed, .connectRetried])
    try client.connect(endpoint)
    // A non-blocking connect on the loopback is in progress first
    // (EINPROGRESS), then refused, then retried after the interval.
    let delayed = try #require(try awaitEvent(monitor, .connectDelayed))
    #expect(delayed.endpoint == endpoint)
    #expect(delayed.error == .einprogress)
    let retried = try #require(try awaitEvent(monitor, .connectRetried))
    #expect(retried.endpoint == endpoint)
    #expect(retried.value >= 50, "the reconnect interval in milliseconds")
    try client.close()
    // The client's closing stops the monitor (.monitorStopped is not
    // watched, so it is not returned).
    let rest = try eventsUntilStopped(monitor)
    #expect(rest.allSatisfy { [.connectDelayed, .connectRetried].contains($0.event) }, "\(rest)")
    try ctx.term()
  }

  @Test func reportsBindFailedWithItsErrno() throws {
    let ctx = try Context()
    let first = try makeSocket(ctx, .pull)
    let endpoint = try bindTCP(first)
    let second = try makeSocket(ctx, .pull)
    let monitor = try second.monitor(events: .bindFailed)
    // libzmq 4.3 sends the event before returning from zmq_bind, and the
    // event's delivery overwrites errno: the bind itself then reports
    // EAGAIN rather than EADDRINUSE. The event has the real cause.
    #expect(throws: ZMQError.self) { try second.bind(endpoint) }
    let failed = try #require(try monitor.next(timeout: 10_000))
    #expect(failed.event == .bindFailed)
    #expect(failed.error == .eaddrinuse)
    // libzmq names the address without its transport here.
    #expect(failed.endpoint == String(endpoint.dropFirst("tcp://".count)))
    monitor.close()
    try first.close()
    try second.close()
    try ctx.term()
  }

  @Test func filtersToTheRequestedEvents() throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .pull)
    let monitor = try server.monitor(events: .accepted)
    #expect(monitor.watched == .accepted)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.connect(endpoint)
    let event = try #require(try monitor.next(timeout: 10_000))
    #expect(event.event == .accepted)
    try client.close()
    try server.stopMonitor()
    // Neither .disconnected nor .monitorStopped were asked for.
    #expect(try monitor.next(timeout: 300) == nil)
    #expect(monitor.isStopped)
    try server.close()
    try ctx.term()  // a stopped monitor has released its socket
  }

  // MARK: Stopping

  @Test func stopMonitorEndsTheMonitor() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair)
    let monitor = try socket.monitor()
    #expect(!monitor.isStopped)
    #expect(monitor.endpoint.hasPrefix("inproc://"))
    try socket.stopMonitor()
    let stopped = try #require(try monitor.next(timeout: 10_000))
    #expect(stopped.event == .monitorStopped)
    #expect(stopped.endpoint == "")
    #expect(monitor.isStopped)
    let start = ContinuousClock.now
    #expect(try monitor.next() == nil, "a stopped monitor never waits")
    #expect(ContinuousClock.now - start < .milliseconds(500))
    try socket.stopMonitor()  // no monitor running: nothing happens
    monitor.close()
    monitor.close()
    expectZMQError(.enotsock) { _ = try monitor.next(timeout: 0) }
    try socket.close()
    try ctx.term()
  }

  @Test func closingTheWatchedSocketStopsTheMonitor() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pull)
    let monitor = try socket.monitor()
    let endpoint = try bindTCP(socket)
    _ = try awaitEvent(monitor, .listening)
    try socket.close()
    let events = try eventsUntilStopped(monitor)
    #expect(events.last?.event == .monitorStopped, "\(events)")
    #expect(events.contains { $0.event == .closed && $0.endpoint == endpoint })
    monitor.close()
    try ctx.term()
  }

  @Test func aSecondMonitorStopsTheFirst() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pull)
    let first = try socket.monitor()
    let second = try socket.monitor(events: .listening)
    #expect(first.endpoint != second.endpoint)
    #expect(try awaitEvent(first, .monitorStopped) != nil)
    #expect(first.isStopped)
    _ = try bindTCP(socket)
    #expect(try second.next(timeout: 10_000)?.event == .listening)
    second.close()
    try socket.close()
    try ctx.term()
  }

  @Test func monitoringAClosedSocketThrowsENOTSOCK() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair)
    try socket.close()
    expectZMQError(.enotsock) { _ = try socket.monitor() }
    expectZMQError(.enotsock) { try socket.stopMonitor() }
    try ctx.term()
  }

  @Test func monitoringAfterShutdownThrowsETERM() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair)
    try ctx.shutdown()
    expectZMQError(.eterm) { _ = try socket.monitor() }
    try socket.close()
    try ctx.term()
  }

  @Test func shutdownWakesABlockedNextWithETERM() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair)
    let monitor = try socket.monitor(events: .accepted)
    let shutdown = BackgroundThread {
      Thread.sleep(forTimeInterval: 0.1)
      try ctx.shutdown()
    }
    #expect(throws: ZMQError.eterm) { _ = try monitor.next(timeout: 10_000) }
    #expect(shutdown.wait(seconds: 5) != nil)
    #expect(throws: ZMQError.eterm, "and on every later call") { _ = try monitor.next(timeout: 0) }
    #expect(monitor.isStopped)
    try socket.close()
    // The monitor released its socket on ETERM, though it is still around.
    expectFinishes(within: 30, "terminating the context") { try ctx.term() }
    _ = monitor
  }

  // MARK: libzmq never stalls on its events

  @Test func anUnreadMonitorNeverStallsTheSocket() throws {
    // More events than any default high-water mark would hold, none read
    // until the end. libzmq sends LISTENING from the thread that binds, so
    // a stall would hang this thread: run it where a hang fails the test.
    let ctx = try Context()
    let cycles = 1_500
    expectFinishes(within: 60, "\(cycles) binds and unbinds with nobody reading the monitor") {
      let socket = try makeSocket(ctx, .pull)
      let monitor = try socket.monitor(events: [.listening, .closed])
      for _ in 0..<cycles {
        let endpoint = try bindTCP(socket)
        try socket.unbind(endpoint)
      }
      // Everything queued arrives, in order. LISTENING is sent by `bind`
      // itself, so all of those are there; CLOSED comes from libzmq's I/O
      // thread, and libzmq 4.3 occasionally reports none for a listener
      // unbound right after it was bound — so they are only counted.
      var listening = 0, closed = 0
      while listening + closed < 2 * cycles, let event = try monitor.next(timeout: 3_000) {
        if event.event == .listening { listening += 1 } else { closed += 1 }
      }
      if listening != cycles || listening + closed <= 2_000 {
        throw MonitorCountError(listening: listening, closed: closed)
      }
      try socket.close()
    }
    try ctx.term()
  }

  @Test func droppingAMonitorThatIsStillRunningNeverStallsLibzmq() throws {
    let ctx = try Context()
    expectFinishes(within: 30, "a server whose monitor was dropped") {
      let server = try makeSocket(ctx, .rep)
      do {
        let monitor = try server.monitor()
        _ = monitor  // dropped at the end of this scope, libzmq still monitoring
      }
      let endpoint = try bindTCP(server)
      for _ in 0..<20 {
        let client = try makeSocket(ctx, .req)
        try client.connect(endpoint)
        try client.send("hi")
        guard try server.recvString() == "hi" else { throw ZMQError.einval }
        try server.send("ho")
        guard try client.recvString() == "ho" else { throw ZMQError.einval }
        try client.close()
      }
      try server.unbind(endpoint)
      try server.close()
    }
    expectFinishes(within: 30, "terminating the context") { try ctx.term() }
  }

  @Test func closingAMonitorThatIsStillRunningThenTerminatingTheContext() throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .pull)
    let monitor = try server.monitor()
    monitor.close()
    #expect(monitor.isStopped)
    _ = try bindTCP(server)
    expectFinishes(within: 30, "destroying the context") { try ctx.destroy(linger: 0) }
  }

  @Test func destroyingTheContextWithAMonitorRunning() throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .pull)
    let monitor = try server.monitor()
    _ = try bindTCP(server)
    expectFinishes(within: 30, "destroying the context") { try ctx.destroy(linger: 0) }
    expectZMQError(.enotsock) { _ = try monitor.next(timeout: 0) }
  }

  // MARK: async

  @Test func theEventSequenceEndsAfterMonitorStopped() async throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .pull)
    let monitor = try server.monitor(events: [.listening, .closed, .monitorStopped])
    let endpoint = try bindTCP(server)
    try server.unbind(endpoint)
    var seen: [MonitorEvents] = []
    for try await event in monitor.events {
      seen.append(event.event)
      // The listener is closed by libzmq's I/O thread: stop once it is.
      if event.event == .closed { try server.stopMonitor() }
    }
    #expect(seen == [.listening, .closed, .monitorStopped])
    #expect(monitor.isStopped)
    try server.close()
    try ctx.term()
  }

  @Test func theEventSequenceWorksOnAnotherTask() async throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .pull)
    let monitor = try server.monitor(events: [.accepted, .disconnected])
    // The monitor is independent of the socket: it can move to a task.
    let watcher = Task {
      var kinds: [MonitorEvents] = []
      for try await event in monitor.events {
        kinds.append(event.event)
        if kinds.count == 2 { break }
      }
      monitor.close()
      return kinds
    }
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.connect(endpoint)
    try client.send("connected")
    #expect(try server.recvString() == "connected")
    try client.close()
    let kinds = try await within(60, "the watcher") { try await watcher.value }
    #expect(kinds == [.accepted, .disconnected])
    try server.close()
    try ctx.term()
  }

  @Test func theEventSequenceEndsOnShutdownAndCancellationThrows() async throws {
    let ctx = try Context()
    let server = try makeSocket(ctx, .pull)
    let monitor = try server.monitor(events: .accepted)
    let watcher = Task {
      var count = 0
      for try await _ in monitor.events { count += 1 }
      return count
    }
    try await Task.sleep(for: .milliseconds(100))
    try ctx.shutdown()
    #expect(try await within(60, "the watcher") { try await watcher.value } == 0)
    // The monitor, still referenced by the finished task's closure,
    // released its socket on ETERM: terminating cannot hang on it.

    let other = try Context()
    let socket = try makeSocket(other, .pull)
    let cancelled = Task {
      let monitor = try socket.monitor()
      for try await _ in monitor.events {}
    }
    try await Task.sleep(for: .milliseconds(100))
    cancelled.cancel()
    await #expect(throws: CancellationError.self) {
      try await within(60, "the cancelled watcher") { try await cancelled.value }
    }
    try server.close()
    try other.destroy(linger: 0)
    try ctx.term()
  }
}
