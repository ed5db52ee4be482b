import Foundation
import Synchronization
import Testing
import ZeroMQ

// The draft API. These tests compile in every variant; the draft ones run
// only in a binding generated with --draft (they are skipped otherwise),
// the stable ones only where the draft calls are stubs.

/// Socket type values of the draft API (their typed members exist only in
/// a draft variant, so the tests look them up by value).
private enum DraftType {
  static let server: Int32 = 12, client: Int32 = 13, radio: Int32 = 14, dish: Int32 = 15
  static let gather: Int32 = 16, scatter: Int32 = 17, peer: Int32 = 19
}

private func threadSafe(_ context: Context, _ raw: Int32, timeout: Int32 = 2000) throws -> ThreadSafeSocket {
  let type = try #require(ThreadSafeSocketType(rawValue: raw), "type \(raw) is not thread-safe in this variant")
  let socket = try context.threadSafeSocket(type)
  try socket.set(.rcvtimeo, timeout)
  try socket.set(.linger, 0)
  return socket
}

@Suite struct StableVariantDraftAPITests {
  @Test(.enabled(if: !ZMQ.Available.messageRoutingId))
  func draftCallsFailNamingTheMissingFunction() throws {
    let message = try Message("x")
    do {
      try message.setRoutingId(7)
      Issue.record("setRoutingId succeeded in a stable variant")
    } catch let error as ZMQError {
      #expect(error == .enotsup)
      #expect(error.unavailable == "zmq_msg_set_routing_id")
      #expect(error.description.contains("zmq_msg_set_routing_id"))
    }
    #expect(ThreadSafeSocketType.allCases.isEmpty == !ZMQ.Available.threadSafeSockets)
  }

  @Test(.enabled(if: !ZMQ.Available.groups))
  func joinFailsNamingZmqJoin() throws {
    let context = try Context()
    let socket = try context.socket(.sub)
    defer { try? socket.close() }
    do {
      try socket.join("weather")
      Issue.record("join succeeded in a stable variant")
    } catch let error as ZMQError {
      #expect(error == .enotsup && error.unavailable == "zmq_join")
    }
  }

  @Test func unavailableErrorsEqualTheirCode() {
    let error = ZMQError(unavailable: "zmq_something")
    #expect(error == .enotsup)
    #expect(error.hashValue == ZMQError.enotsup.hashValue)
    #expect(ZMQError.enotsup.unavailable == nil)
  }
}

@Suite(.enabled(if: ZMQ.Available.threadSafeSockets && ZMQ.has(.draft)))
struct DraftAPITests {
  @Test func clientServerCarriesTheRoutingIdOfEachMessage() throws {
    let context = try Context()
    let server = try threadSafe(context, DraftType.server)
    try server.bind("tcp://127.0.0.1:*")
    let endpoint: String = try server.get(.lastEndpoint)
    let client = try threadSafe(context, DraftType.client)
    try client.connect(endpoint)
    // The client crosses into another thread: ThreadSafeSocket is Sendable.
    // (A thread of its own, not a task: the test's own thread blocks in recv.)
    let reply = Mutex<String?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let text = try? { () throws -> String? in
        try client.send("ping")
        return try client.recv()?.string
      }()
      reply.withLock { $0 = text ?? nil }
      done.signal()
    }
    thread.start()
    let request = try #require(try server.recv())
    #expect(request.string == "ping")
    let routingId = try #require(request.routingId)
    #expect(routingId != 0)
    try server.send("pong", routingId: routingId)
    #expect(done.wait(timeout: .now() + 5) == .success)
    #expect(reply.withLock { $0 } == "pong")
  }

  @Test func radioDishOverTCPWithJoinAndLeave() throws {
    let context = try Context()
    let dish = try threadSafe(context, DraftType.dish, timeout: 100)
    try dish.bind("tcp://127.0.0.1:*")
    let endpoint: String = try dish.get(.lastEndpoint)
    let radio = try threadSafe(context, DraftType.radio)
    try radio.connect(endpoint)
    try dish.join("weather")
    let received = try receiveGroupMessage(radio: radio, dish: dish, group: "weather")
    #expect(received.group == "weather")
    #expect(received.string == "sunny")
    try dish.leave("weather")
    expectZMQError(.einval) { try dish.leave("weather") }
  }

  @Test func radioDishOverUDP() throws {
    let context = try Context()
    let dish = try threadSafe(context, DraftType.dish, timeout: 100)
    var bound: String?
    for _ in 0..<20 {
      let candidate = "udp://127.0.0.1:\(Int.random(in: 20000..<60000))"
      if (try? dish.bind(candidate)) != nil { bound = candidate; break }
    }
    let endpoint = try #require(bound)
    try dish.join("news")
    let radio = try threadSafe(context, DraftType.radio)
    try radio.connect(endpoint)
    let received = try receiveGroupMessage(radio: radio, dish: dish, group: "news")
    #expect(received.group == "news")
  }

  /// Publishes until the DISH sees a message (joins and UDP datagrams may
  /// be lost before the path is up).
  private func receiveGroupMessage(radio: ThreadSafeSocket, dish: ThreadSafeSocket, group: String) throws
    -> ThreadSafeMessage
  {
    for _ in 0..<50 {
      try radio.send("sunny", group: group)
      if let message = try? dish.recv() { return message }
    }
    throw ZMQError.eagain
  }

  @Test func scatterGather() throws {
    let context = try Context()
    let gather = try threadSafe(context, DraftType.gather)
    try gather.bind("inproc://draft-scatter-gather")
    let scatter = try threadSafe(context, DraftType.scatter)
    try scatter.connect("inproc://draft-scatter-gather")
    try scatter.send("one")
    try scatter.send("two")
    #expect(try gather.recv()?.string == "one")
    #expect(try gather.recv()?.string == "two")
  }

  @Test func peerConnectPeerGivesTheRoutingId() throws {
    let context = try Context()
    let first = try threadSafe(context, DraftType.peer)
    try first.bind("tcp://127.0.0.1:*")
    let endpoint: String = try first.get(.lastEndpoint)
    let second = try threadSafe(context, DraftType.peer)
    let routingId = try second.connectPeer(endpoint)
    #expect(routingId != 0)
    try second.send("hello", routingId: routingId)
    let hello = try #require(try first.recv())
    #expect(hello.string == "hello")
    try first.send("back", routingId: try #require(hello.routingId))
    #expect(try second.recv()?.string == "back")
  }

  @Test func messageRoutingIdAndGroupOnClassicMessages() throws {
    let message = try Message("m")
    try message.setRoutingId(42)
    #expect(try message.routingId == 42)
    try message.setGroup("g")
    #expect(try message.group == "g")
    expectZMQError(.einval) { try message.setRoutingId(0) }
  }

  @Test func closedThreadSafeSocketThrowsENOTSOCK() throws {
    let context = try Context()
    let server = try threadSafe(context, DraftType.server)
    server.close()
    server.close()
    #expect(server.isClosed)
    expectZMQError(.enotsock) { try server.bind("inproc://draft-closed") }
  }

  @Test(.enabled(if: ZMQ.Available.contextExtendedOptions))
  func contextExtendedStringOption() throws {
    let context = try Context()
    let threadNamePrefix: Int32 = 9  // ZMQ_THREAD_NAME_PREFIX, which headers before 4.3 lack
    try context.setExtended(threadNamePrefix, "swz")
    #expect(try context.getExtended(threadNamePrefix) == "swz")
  }
}

@Suite struct MixedBuildTests {
  /// `ZMQ.has(.draft)` reports the linked libzmq; `ZMQ.Available` reports
  /// what this binding was generated for. A stable binding on a draft
  /// libzmq has the first without the second, and works.
  @Test func capabilityAndVariantAreIndependent() throws {
    if ZMQ.Available.threadSafeSockets { #expect(ZMQ.has(.draft)) }
    let version = ZMQ.version()
    #expect(version.count == 3 && version[0] == 4)
  }
}

@Suite struct VersionedMonitorTests {
  @Test func decodesTheVersion2Frames() {
    func le(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    let event = VersionedMonitorEvent.decode([
      le(0x20), le(1), le(12), Array("tcp://127.0.0.1:5555".utf8), Array("tcp://127.0.0.1:40000".utf8),
    ])
    #expect(
      event
        == VersionedMonitorEvent(
          event: 0x20, values: [12], localEndpoint: "tcp://127.0.0.1:5555", remoteEndpoint: "tcp://127.0.0.1:40000"))
    #expect(event?.monitorEvent == .accepted)
    #expect(VersionedMonitorEvent.decode([le(0x20), le(2), le(12), [], []]) == nil)
    #expect(VersionedMonitorEvent.decode([[1, 2], le(0), [], []]) == nil)
  }

  @Test(.enabled(if: ZMQ.Available.versionedMonitor && ZMQ.has(.draft)))
  func reportsBothEndpointsOfAnAcceptedConnection() throws {
    let context = try Context()
    let server = try makeSocket(context, .rep)
    let monitor = try server.monitorVersioned()
    try monitor.set(.rcvtimeo, 2000)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(context, .req)
    try client.connect(endpoint)
    var accepted: VersionedMonitorEvent?
    for _ in 0..<10 {
      guard let event = try monitor.recvVersionedMonitorEvent() else { break }
      if event.monitorEvent == .accepted { accepted = event; break }
    }
    let event = try #require(accepted)
    #expect(event.localEndpoint == endpoint)
    #expect(event.remoteEndpoint.hasPrefix("tcp://127.0.0.1:"))
    #expect(event.values.count == 1)
    try server.stopMonitor()
    try client.close()
    try server.close()
    try monitor.close()
  }

  @Test(.enabled(if: !ZMQ.Available.versionedMonitor))
  func stableVariantsSayWhatIsMissing() throws {
    let context = try Context()
    let socket = try makeSocket(context, .rep)
    do {
      _ = try socket.monitorVersioned()
      Issue.record("monitorVersioned succeeded in a stable variant")
    } catch let error as ZMQError {
      #expect(error.unavailable == "zmq_socket_monitor_versioned")
    }
  }
}

@Suite(.enabled(if: ZMQ.Available.threadSafeSockets && ZMQ.has(.draft)))
struct DraftOptionTests {
  /// ROUTER_NOTIFY, HELLO_MSG and DISCONNECT_MSG through the untyped API
  /// (the draft constants exist only in a draft variant, so by value here).
  @Test func helloAndDisconnectMessagesAndRouterNotify() throws {
    let context = try Context()
    let router = try makeSocket(context, .router)
    let routerNotify: Int32 = 97, helloMsg: Int32 = 110, disconnectMsg: Int32 = 111
    try router.setsockopt(routerNotify, .int(3))
    #expect(try router.getsockoptInt(routerNotify) == 3)
    let endpoint = try bindTCP(router)
    let dealer = try makeSocket(context, .dealer)
    try dealer.setsockopt(helloMsg, .bytes(Array("hello".utf8)))
    try dealer.setsockopt(disconnectMsg, .bytes(Array("bye".utf8)))
    try dealer.connect(endpoint)
    // ROUTER_NOTIFY: an empty message announces the connection; then HELLO_MSG.
    var bodies: [String] = []
    for _ in 0..<2 {
      let parts = try #require(try router.recvMultipart())
      bodies.append(String(decoding: parts.last ?? [], as: UTF8.self))
    }
    #expect(bodies.sorted() == ["", "hello"])
  }
}
