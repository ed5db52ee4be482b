import Foundation
import Testing
@testable import ZeroMQ

@Suite struct SocketOptionTests {
  let ctx: Context

  init() throws {
    ctx = try Context()
  }

  // MARK: Typed options

  @Test func int32OptionsRoundTrip() throws {
    let s = try ctx.socket(.dealer)
    try s.set(.linger, 0)
    let linger: Int32 = try s.get(.linger)
    #expect(linger == 0)
    try s.set(.rcvtimeo, 2000)
    #expect(try s.get(.rcvtimeo) == 2000)
    try s.set(.sndtimeo, -1)
    #expect(try s.get(.sndtimeo) == -1)
    try s.set(.sndhwm, 10)
    #expect(try s.get(.sndhwm) == 10)
    try s.set(.rcvhwm, 20)
    #expect(try s.get(.rcvhwm) == 20)
    try s.close()
  }

  @Test func defaultsAreLibzmqs() throws {
    let s = try ctx.socket(.pull)
    #expect(try s.get(.linger) == -1)
    #expect(try s.get(.sndhwm) == 1000)
    #expect(try s.get(.rcvtimeo) == -1)
    #expect(try s.get(.maxmsgsize) == -1)
    #expect(try s.get(.affinity) == 0)
    #expect(try s.get(.rcvmore) == false)
    #expect(try s.get(.immediate) == false)
    #expect(try s.get(.lastEndpoint) == "")
    try s.close()
  }

  @Test func boolOptionsAreCIntsZeroOrOne() throws {
    let s = try ctx.socket(.dealer)
    try s.set(.immediate, true)
    #expect(try s.get(.immediate) == true)
    #expect(try s.getsockopt(ZMQ.IMMEDIATE) == .int(1))
    try s.set(.immediate, false)
    #expect(try s.get(.immediate) == false)
    #expect(try s.getsockoptInt(ZMQ.IMMEDIATE) == 0)
    try s.close()
  }

  @Test func sixtyFourBitOptionsRoundTrip() throws {
    let s = try ctx.socket(.dealer)
    try s.set(.maxmsgsize, 1 << 40)
    #expect(try s.get(.maxmsgsize) == 1 << 40)
    try s.set(.affinity, UInt64(1) << 63)
    #expect(try s.get(.affinity) == UInt64(1) << 63)
    try s.close()
  }

  @Test func stringOptionsRoundTripWholeWithoutNUL() throws {
    let s = try ctx.socket(.dealer)
    try s.set(.zapDomain, "global")
    #expect(try s.get(.zapDomain) == "global")
    // Far beyond the JavaScript module's 255-byte buffer: comes back whole.
    let long = "socks.example.org:" + String(repeating: "9", count: 5000)
    try s.set(.socksProxy, long)
    #expect(try s.get(.socksProxy) == long)
    #expect(try s.getsockoptString(ZMQ.SOCKS_PROXY) == long)
    #expect(try s.getsockopt(ZMQ.SOCKS_PROXY) == .string(long))
    try s.set(.socksProxy, "")
    #expect(try s.get(.socksProxy) == "")
    try s.close()
  }

  @Test func lastEndpointIsTheResolvedAddress() throws {
    let s = try ctx.socket(.rep)
    let inproc = uniqueInproc()
    try s.bind(inproc)
    let endpoint: String = try s.get(.lastEndpoint)
    #expect(endpoint == inproc)
    let tcp = try bindTCP(s)
    #expect(tcp.hasPrefix("tcp://127.0.0.1:"))
    #expect(Int(tcp.split(separator: ":").last ?? "") ?? 0 > 0)
    try s.close()
  }

  @Test func readOnlyOptions() throws {
    let s = try ctx.socket(.push)
    #expect(try s.get(.type) == ZMQ.PUSH)
    #expect(try s.get(.fd) >= 0)
    #expect(try s.get(.mechanism) == SecurityMechanism.null.rawValue)
    let (a, b) = try connectedPair(ctx)
    #expect(PollEvents(rawValue: Int16(try a.get(.events))).contains(.pollOut))
    #expect(!PollEvents(rawValue: Int16(try b.get(.events))).contains(.pollIn))
    try a.send("x")
    #expect(PollEvents(rawValue: Int16(try b.get(.events))).contains(.pollIn))
    try s.close()
  }

  // MARK: Binary options

  @Test func routingIdOf255BytesRoundTrips() throws {
    let s = try ctx.socket(.dealer)
    let id = (0..<255).map { UInt8($0) }
    try s.set(.routingId, id)
    #expect(try s.get(.routingId) == id)
    #expect(try s.getsockoptBytes(ZMQ.ROUTING_ID) == id)
    #expect(try s.getsockopt(ZMQ.ROUTING_ID) == .bytes(id))
    try s.close()
  }

  @Test func routingIdOf256BytesOrEmptyIsEinval() throws {
    let s = try ctx.socket(.dealer)
    expectZMQError(.einval) { try s.set(.routingId, [UInt8](repeating: 1, count: 256)) }
    expectZMQError(.einval) { try s.set(.routingId, [UInt8]()) }
    expectZMQError(.einval) { try s.setsockopt(ZMQ.ROUTING_ID, .bytes([UInt8](repeating: 1, count: 256))) }
    #expect(try s.get(.routingId) == [])
    try s.close()
  }

  @Test func routingIdTakesStringAndData() throws {
    let s = try ctx.socket(.dealer)
    try s.set(.routingId, "peer-1")
    #expect(try s.get(.routingId) == Array("peer-1".utf8))
    #expect(try s.getsockoptString(ZMQ.ROUTING_ID) == "peer-1")
    try s.set(.routingId, Data([9, 8, 7]))
    #expect(try s.get(.routingId) == [9, 8, 7])
    try s.close()
  }

  @Test func routerSeesTheDealersRoutingId() throws {
    let router = try makeSocket(ctx, .router)
    let dealer = try makeSocket(ctx, .dealer)
    let endpoint = uniqueInproc()
    try router.bind(endpoint)
    let id = [UInt8](repeating: 0xAB, count: 255)
    try dealer.set(.routingId, id)
    try dealer.connect(endpoint)
    try dealer.send("hello")
    #expect(try router.recv() == id)
    #expect(try router.get(.rcvmore))
    #expect(try router.recvString() == "hello")
  }

  @Test func subscribeTakesStringBytesAndData() throws {
    let pub = try makeSocket(ctx, .pub)
    let sub = try makeSocket(ctx, .sub, timeout: 20)
    let endpoint = uniqueInproc()
    try pub.bind(endpoint)
    try sub.set(.subscribe, "s")
    try sub.set(.subscribe, [UInt8]("b".utf8))
    try sub.set(.subscribe, Data("d".utf8))
    try sub.set(.subscribe, "x")
    try sub.set(.unsubscribe, "x")
    try sub.connect(endpoint)
    var received: Set<String> = []
    for _ in 0..<200 where received.count < 3 {
      for topic in ["s1", "b1", "d1", "x1", "n1"] { try pub.send(topic) }
      while let text = try? sub.recvString() { received.insert(text) }
    }
    #expect(received == ["s1", "b1", "d1"])
  }

  @Test(.enabled(if: ZMQ.has(.curve)))
  func curveKeysTakeBinaryOrZ85AndReadBackBoth() throws {
    let s = try ctx.socket(.dealer)
    let z85 = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"  // a server public key in Z85
    try s.set(.curveServerkey, z85)
    let binary: [UInt8] = try s.get(.curveServerkey)
    #expect(binary.count == 32)
    #expect(try s.getsockoptBytes(ZMQ.CURVE_SERVERKEY) == binary)
    #expect(try s.getsockopt(ZMQ.CURVE_SERVERKEY) == .bytes(binary))
    #expect(try s.getsockoptString(ZMQ.CURVE_SERVERKEY) == z85)
    try s.set(.curveServerkey, [UInt8](repeating: 0, count: 32))
    #expect(try s.get(.curveServerkey) == [UInt8](repeating: 0, count: 32))
    try s.set(.curveServerkey, binary)
    #expect(try s.getsockoptString(ZMQ.CURVE_SERVERKEY) == z85)
    expectZMQError(.einval) { try s.set(.curveServerkey, [UInt8](repeating: 0, count: 31)) }
    expectZMQError(.einval) { try s.set(.curveServerkey, "too short") }
    try s.close()
  }

  // MARK: Misapplied options

  @Test func optionsThatDoNotApplyAreEinval() throws {
    let push = try ctx.socket(.push)
    expectZMQError(.einval) { try push.set(.subscribe, "") }
    expectZMQError(.einval) { try push.set(.linger, -2) }
    expectZMQError(.einval) { try push.set(.sndhwm, -1) }
    try push.close()
  }

  // MARK: Untyped options (setsockopt/getsockopt, as in the JavaScript module)

  @Test func untypedIntOptions() throws {
    let s = try ctx.socket(.dealer)
    try s.setsockopt(ZMQ.LINGER, .int(5))
    #expect(try s.getsockopt(ZMQ.LINGER) == .int(5))
    #expect(try s.getsockoptInt(ZMQ.LINGER) == 5)
    #expect(try s.getsockopt(ZMQ.RCVMORE) == .int(0))  // Boolean options are C ints here
    #expect(try s.getsockopt(ZMQ.TYPE) == .int(ZMQ.DEALER))
    try s.close()
  }

  @Test func untypedSixtyFourBitOptions() throws {
    let s = try ctx.socket(.dealer)
    #expect(try s.getsockopt(ZMQ.MAXMSGSIZE) == .int64(-1))
    #expect(try s.getsockoptInt64(ZMQ.MAXMSGSIZE) == -1)
    try s.setsockopt(ZMQ.MAXMSGSIZE, .int64(1 << 33))
    #expect(try s.getsockoptInt64(ZMQ.MAXMSGSIZE) == 1 << 33)
    #expect(try s.getsockopt(ZMQ.AFFINITY) == .uint64(0))
    try s.setsockopt(ZMQ.AFFINITY, .uint64(3))
    #expect(try s.getsockopt(ZMQ.AFFINITY) == .uint64(3))
    #expect(try s.getsockoptInt64(ZMQ.AFFINITY) == 3)
    try s.close()
  }

  @Test func untypedIntegersAreConvertedToTheOptionsWidth() throws {
    let s = try ctx.socket(.dealer)
    try s.setsockopt(ZMQ.MAXMSGSIZE, .int(100))
    #expect(try s.getsockopt(ZMQ.MAXMSGSIZE) == .int64(100))
    try s.setsockopt(ZMQ.LINGER, .int64(7))
    #expect(try s.getsockopt(ZMQ.LINGER) == .int(7))
    try s.setsockopt(ZMQ.AFFINITY, .int(1))
    #expect(try s.getsockopt(ZMQ.AFFINITY) == .uint64(1))
    expectZMQError(.einval) { try s.setsockopt(ZMQ.LINGER, .int64(Int64(Int32.max) + 1)) }
    expectZMQError(.einval) { try s.setsockopt(ZMQ.AFFINITY, .int(-1)) }
    try s.close()
  }

  @Test func untypedValuesOfTheWrongKindAreEinval() throws {
    let s = try ctx.socket(.dealer)
    expectZMQError(.einval) { try s.setsockopt(ZMQ.LINGER, .string("x")) }
    expectZMQError(.einval) { try s.setsockopt(ZMQ.LINGER, .bytes([0, 0, 0, 0])) }
    expectZMQError(.einval) { try s.setsockopt(ZMQ.ROUTING_ID, .int(1)) }
    expectZMQError(.einval) { try s.setsockopt(ZMQ.ZAP_DOMAIN, .int64(1)) }
    expectZMQError(.einval) { _ = try s.getsockoptInt(ZMQ.MAXMSGSIZE) }
    expectZMQError(.einval) { _ = try s.getsockoptInt64(ZMQ.LINGER) }
    try s.close()
  }

  @Test func untypedStringAndBytesOptions() throws {
    let s = try ctx.socket(.sub)
    try s.setsockopt(ZMQ.SUBSCRIBE, .string(""))
    try s.setsockopt(ZMQ.SUBSCRIBE, .bytes([1, 2]))
    try s.setsockopt(ZMQ.UNSUBSCRIBE, .bytes([1, 2]))
    try s.setsockopt(ZMQ.ROUTING_ID, .string("me"))
    #expect(try s.getsockopt(ZMQ.ROUTING_ID) == .bytes(Array("me".utf8)))
    try s.setsockopt(ZMQ.ZAP_DOMAIN, .string("domain"))
    #expect(try s.getsockopt(ZMQ.ZAP_DOMAIN) == .string("domain"))
    let endpoint = uniqueInproc()
    try s.bind(endpoint)
    #expect(try s.getsockopt(ZMQ.LAST_ENDPOINT) == .string(endpoint))
    #expect(try s.getsockoptString(ZMQ.LAST_ENDPOINT) == endpoint)
    try s.close()
  }

  @Test func untypedReadsComeBackWithTheOptionsCType() throws {
    let s = try ctx.socket(.dealer)
    try s.setsockopt(ZMQ.RECONNECT_IVL_MAX, .int(1234))
    #expect(try s.getsockopt(ZMQ.RECONNECT_IVL_MAX) == .int(1234))
    #expect(try s.getsockoptInt(ZMQ.TCP_KEEPALIVE_IDLE) == -1)
    #expect(try s.getsockopt(ZMQ.IMMEDIATE) == .int(0))
    #expect(try s.getsockopt(ZMQ.ZAP_DOMAIN) == .string(""))
    try s.close()
  }

  @Test func probingAnUnknownOptionFindsEachType() throws {
    // The path getsockopt takes for options the table does not know.
    let s = try ctx.socket(.dealer)
    try s.set(.linger, 3)
    #expect(try s.probeOption(ZMQ.LINGER) == .int(3))
    #expect(try s.probeOption(ZMQ.MAXMSGSIZE) == .int64(-1))
    #expect(try s.probeOption(ZMQ.LAST_ENDPOINT) == .string(""))
    try s.set(.routingId, "rid")
    // Binary reads as a string first, as in the JavaScript module.
    #expect(try s.probeOption(ZMQ.ROUTING_ID) == .string("rid"))
    #expect(throws: ZMQError.einval) { try s.probeOption(9999) }
    try s.close()
    #expect(throws: ZMQError.enotsock) { try s.probeOption(ZMQ.LINGER) }
  }

  @Test func unknownOptionNumbersAreEinval() throws {
    let s = try ctx.socket(.dealer)
    expectZMQError(.einval) { _ = try s.getsockopt(9999) }
    expectZMQError(.einval) { try s.setsockopt(9999, .int(1)) }
    expectZMQError(.einval) { _ = try s.getsockoptString(9999) }
    expectZMQError(.einval) { _ = try s.getsockoptBytes(9999) }
    let unknown = SocketOption<Int32, ReadWrite>(rawValue: 9999)
    expectZMQError(.einval) { try s.set(unknown, 1) }
    expectZMQError(.einval) { _ = try s.get(unknown) }
    try s.close()
  }

  @Test func socketOptionValueIsEquatableAndDescribed() {
    #expect(SocketOptionValue.int(1) == .int(1))
    #expect(SocketOptionValue.int(1) != .int64(1))
    #expect(SocketOptionValue.string("a") != .bytes([0x61]))
    #expect(SocketOptionValue.int(0).description == "int(0)")
    #expect(SocketOptionValue.string("x").description == "string(\"x\")")
    #expect(SocketOptionValue.bytes([1, 2]).description == "bytes([1, 2])")
  }
}

/// Reading a numeric option as text or bytes fails at once with EINVAL.
@Suite struct NumericOptionAsTextTests {
  @Test func numericOptionsAreNotStrings() throws {
    let context = try Context()
    defer { try? context.destroy(linger: 0) }
    let socket = try context.socket(.pair)
    #expect(throws: ZMQError.einval) { _ = try socket.getsockoptString(ZMQ.LINGER) }
    #expect(throws: ZMQError.einval) { _ = try socket.getsockoptBytes(ZMQ.RCVMORE) }
    #expect(try socket.getsockoptString(ZMQ.LAST_ENDPOINT) == "")
  }
}
