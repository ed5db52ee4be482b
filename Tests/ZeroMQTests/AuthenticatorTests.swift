import CZeroMQ
import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

/// The frames of a ZAP request (after the envelope).
func zapFrames(
  _ mechanism: String, _ credentials: [[UInt8]] = [], address: String = "127.0.0.1", domain: String = "global",
  version: String = "1.0", requestId: String = "1"
) -> [[UInt8]] {
  [Array(version.utf8), Array(requestId.utf8), Array(domain.utf8), Array(address.utf8), [], Array(mechanism.utf8)]
    + credentials
}

/// The decisions an authenticator reported, collected from its thread.
final class DecisionLog: Sendable {
  private let decisions = Mutex<[ZAPDecision]>([])

  func record(_ decision: ZAPDecision) {
    decisions.withLock { $0.append(decision) }
  }

  var all: [ZAPDecision] { decisions.withLock { $0 } }

  /// Waits up to `seconds` for a decision that matches.
  func wait(seconds: Double = 5, for predicate: (ZAPDecision) -> Bool) -> ZAPDecision? {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
      if let match = all.first(where: predicate) { return match }
      Thread.sleep(forTimeInterval: 0.01)
    } while Date() < deadline
    return nil
  }
}

/// The handshake events of a socket, read with libzmq's own monitor (raw
/// C, independent of the library's monitor API) — to see on the server
/// side failures that happen before ZAP is asked.
final class HandshakeWatcher {
  let events: Socket

  init(_ socket: Socket) throws {
    let endpoint = uniqueInproc("handshake-monitor")
    let mask: MonitorEvents = [
      .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth, .handshakeSucceeded,
    ]
    try CallFunnel.check(zmq_socket_monitor(try socket.handle.pointer(), endpoint, mask.rawValue))
    events = try makeSocket(socket.context, .pair, timeout: 5000)
    try events.connect(endpoint)
  }

  /// The next event and its value, or `nil` after the timeout.
  func next() -> (event: Int32, value: UInt32)? {
    guard let header = try? events.recv(), header.count == 6, (try? events.recv()) != nil else { return nil }
    let event = Int32(header[0]) | Int32(header[1]) << 8
    let value = header[2...].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    return (event, value)
  }
}

@Suite("ZAP requests") struct ZAPRequestTests {
  @Test("parses NULL, PLAIN, CURVE and GSSAPI requests")
  func valid() throws {
    let null = try ZAPRequest.parse(frames: zapFrames("NULL", requestId: "42"))
    #expect(null.requestId == Array("42".utf8))
    #expect(null.domain == "global" && null.address == "127.0.0.1" && null.identity == [])
    #expect(null.credentials == .null && null.mechanism == .null)

    let plain = try ZAPRequest.parse(frames: zapFrames("PLAIN", [Array("alice".utf8), Array("s3cret".utf8)]))
    #expect(plain.credentials == .plain(username: "alice", password: Array("s3cret".utf8)))
    #expect(plain.mechanism == .plain)

    let key = try CurveKeyPair.generate().publicKey
    let curve = try ZAPRequest.parse(frames: zapFrames("CURVE", [key.bytes]))
    #expect(curve.credentials == .curve(key))

    let gssapi = try ZAPRequest.parse(frames: zapFrames("GSSAPI", [Array("host@x".utf8)]))
    #expect(gssapi.mechanism == .gssapi)
  }

  @Test("malformed requests are refused with a precise error")
  func malformed() {
    #expect(throws: ZAPRequestError.tooFewFrames(0)) { try ZAPRequest.parse(frames: []) }
    #expect(throws: ZAPRequestError.tooFewFrames(5)) {
      try ZAPRequest.parse(frames: Array(zapFrames("NULL").prefix(5)))
    }
    #expect(throws: ZAPRequestError.unsupportedVersion(Array("2.0".utf8))) {
      try ZAPRequest.parse(frames: zapFrames("NULL", version: "2.0"))
    }
    #expect(throws: ZAPRequestError.unknownMechanism("KERBEROS")) {
      try ZAPRequest.parse(frames: zapFrames("KERBEROS"))
    }
    #expect(throws: ZAPRequestError.wrongCredentialCount(mechanism: "NULL", expected: 0, received: 1)) {
      try ZAPRequest.parse(frames: zapFrames("NULL", [[1]]))
    }
    #expect(throws: ZAPRequestError.wrongCredentialCount(mechanism: "PLAIN", expected: 2, received: 1)) {
      try ZAPRequest.parse(frames: zapFrames("PLAIN", [Array("alice".utf8)]))
    }
    #expect(throws: ZAPRequestError.wrongCredentialCount(mechanism: "CURVE", expected: 1, received: 0)) {
      try ZAPRequest.parse(frames: zapFrames("CURVE"))
    }
    #expect(throws: ZAPRequestError.wrongCurveKeySize(31)) {
      try ZAPRequest.parse(frames: zapFrames("CURVE", [[UInt8](repeating: 0, count: 31)]))
    }
    var badDomain = zapFrames("NULL")
    badDomain[2] = [0xFF, 0xFE]
    #expect(throws: ZAPRequestError.invalidText(field: "domain")) { try ZAPRequest.parse(frames: badDomain) }
    #expect(throws: ZAPRequestError.invalidText(field: "user name")) {
      try ZAPRequest.parse(frames: zapFrames("PLAIN", [[0xC3], []]))
    }
    #expect(
      ZAPRequestError.wrongCredentialCount(mechanism: "PLAIN", expected: 2, received: 1).description
        == "a ZAP request for PLAIN carries 2 credential frames, but 1 arrived")
    #expect(
      ZAPRequestError.unknownMechanism(String(repeating: "X", count: 100)).description
        == "unknown security mechanism \"\(String(repeating: "X", count: 32))\"… in a ZAP request")
  }

  @Test("the parser never traps on arbitrary frames")
  func fuzz() {
    var generator = SystemRandomNumberGenerator()
    let pieces: [[UInt8]] = [
      [], Array("1.0".utf8), Array("NULL".utf8), Array("PLAIN".utf8), Array("CURVE".utf8), Array("GSSAPI".utf8),
      [0xFF], [0xC3], [UInt8](repeating: 7, count: 32), [0],
    ]
    for _ in 0..<5000 {
      let frames = (0..<Int.random(in: 0...10, using: &generator)).map { _ in
        Bool.random(using: &generator)
          ? pieces.randomElement(using: &generator)!
          : (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
      }
      _ = try? ZAPRequest.parse(frames: frames)
    }
  }

  @Test("a PLAIN request prints without its password")
  func redaction() throws {
    let request = try ZAPRequest.parse(frames: zapFrames("PLAIN", [Array("alice".utf8), Array("hunter2".utf8)]))
    #expect(request.description == "ZAPRequest(PLAIN \"alice\" from 127.0.0.1, domain \"global\")")
    var policy = ZAPPolicy()
    policy.plainPasswords = ["alice": "hunter2"]
    var dumped = ""
    dump(policy, to: &dumped)
    for text in [policy.description, String(reflecting: policy), dumped, policy.decide(request).description] {
      #expect(!text.contains("hunter2"), "password shown in \(text)")
    }
  }

  @Test("replies have the six frames of RFC 27")
  func replyFrames() {
    let reply = ZAPReply(requestId: [9], status: .authenticationFailure, statusText: "Access denied")
    #expect(reply.frames == [Array("1.0".utf8), [9], Array("400".utf8), Array("Access denied".utf8), [], []])
  }
}

@Suite("ZAP policy") struct ZAPPolicyTests {
  func request(_ mechanism: String, _ credentials: [[UInt8]] = [], address: String = "127.0.0.1") throws -> ZAPRequest {
    try ZAPRequest.parse(frames: zapFrames(mechanism, credentials, address: address))
  }

  @Test("the default policy admits NULL and refuses PLAIN, CURVE and GSSAPI")
  func defaults() throws {
    let policy = ZAPPolicy()
    #expect(policy.decide(try request("NULL")).allowed)
    #expect(!policy.decide(try request("PLAIN", [Array("a".utf8), Array("b".utf8)])).allowed)
    #expect(!policy.decide(try request("CURVE", [[UInt8](repeating: 1, count: 32)])).allowed)
    #expect(policy.decide(try request("GSSAPI", [[]])).status == .authenticationFailure)
  }

  @Test("an allow list admits only listed addresses, in canonical form")
  func allowList() throws {
    var policy = ZAPPolicy()
    try policy.allow(["127.0.0.1", "::0001"])
    #expect(policy.decide(try request("NULL")).allowed)
    #expect(policy.decide(try request("NULL", address: "::1")).allowed)
    let refused = policy.decide(try request("NULL", address: "10.1.2.3"))
    #expect(!refused.allowed && refused.reason == "address 10.1.2.3 is not on the allow list")
    #expect(throws: ZAPPolicyError.conflictingAddressLists) { try policy.deny(["10.0.0.1"]) }
    #expect(throws: ZAPPolicyError.invalidAddress("localhost")) { try policy.allow(["localhost"]) }
    #expect(throws: ZAPPolicyError.invalidAddress("1.2.3.4\0")) { try policy.allow(["1.2.3.4\0"]) }
    policy.clearAddresses()
    try policy.deny(["10.1.2.3"])
    #expect(policy.addresses == .deny(["10.1.2.3"]))
  }

  @Test("a deny list refuses listed addresses whatever their credentials")
  func denyList() throws {
    var policy = ZAPPolicy()
    policy.plainPasswords = ["alice": "pw"]
    try policy.deny(["127.0.0.1"])
    let refused = policy.decide(try request("PLAIN", [Array("alice".utf8), Array("pw".utf8)]))
    #expect(!refused.allowed && refused.reason == "address 127.0.0.1 is on the deny list")
    #expect(policy.decide(try request("PLAIN", [Array("alice".utf8), Array("pw".utf8)], address: "10.0.0.2")).allowed)
    #expect(throws: ZAPPolicyError.conflictingAddressLists) { try policy.allow(["10.0.0.1"]) }
  }

  @Test("PLAIN needs a known user and the right password")
  func plain() throws {
    var policy = ZAPPolicy()
    policy.plainPasswords = ["alice": "pw"]
    let good = policy.decide(try request("PLAIN", [Array("alice".utf8), Array("pw".utf8)]))
    #expect(good.allowed && good.userId == "alice" && good.username == "alice")
    #expect(!policy.decide(try request("PLAIN", [Array("alice".utf8), Array("pw2".utf8)])).allowed)
    #expect(!policy.decide(try request("PLAIN", [Array("alice".utf8), Array("p".utf8)])).allowed)
    #expect(!policy.decide(try request("PLAIN", [Array("alice".utf8), []])).allowed)
    #expect(
      policy.decide(try request("PLAIN", [Array("bob".utf8), Array("pw".utf8)])).reason == "unknown user \"bob\"")
    #expect(ZAPPolicy.constantTimeEqual([1, 2], [1, 2]))
    #expect(!ZAPPolicy.constantTimeEqual([1, 2], [1, 2, 0]))
    #expect(!ZAPPolicy.constantTimeEqual([], [0]))
  }

  @Test("CURVE needs an allowed key unless any key is allowed")
  func curve() throws {
    let allowed = try CurveKeyPair.generate().publicKey, other = try CurveKeyPair.generate().publicKey
    var policy = ZAPPolicy()
    policy.curve = .keys([allowed])
    let good = policy.decide(try request("CURVE", [allowed.bytes]))
    #expect(good.allowed && good.userId == allowed.z85 && good.clientKey == allowed)
    #expect(!policy.decide(try request("CURVE", [other.bytes])).allowed)
    policy.curve = .anyKey
    #expect(policy.decide(try request("CURVE", [other.bytes])).allowed)
  }
}

@Suite("Authenticator") struct AuthenticatorTests {
  /// A context with a running authenticator whose decisions are logged.
  func setUp() throws -> (Context, Authenticator, DecisionLog) {
    let ctx = try Context()
    let log = DecisionLog()
    let auth = Authenticator(context: ctx, onDecision: log.record)
    try auth.start()
    return (ctx, auth, log)
  }

  func tearDown(_ ctx: Context, _ auth: Authenticator) {
    auth.stop()
    try? ctx.destroy(linger: 0)
  }

  @Test("a CURVE client with an allowed key talks")
  func curveAllowed() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    let serverKeys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
    auth.configureCurve(.keys([clientKeys.publicKey]))

    let server = try makeSocket(ctx, .pull)
    try server.configureCurveServer(keyPair: serverKeys)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.configureCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
    try client.connect(endpoint)
    try client.send("hello")
    #expect(try server.recvString() == "hello")
    let decision = log.wait { $0.allowed }
    #expect(decision?.mechanism == .curve)
    #expect(decision?.clientKey == clientKeys.publicKey)
    #expect(decision?.address == "127.0.0.1")
    #expect(log.all.allSatisfy { $0.allowed })
  }

  @Test(
    "a CURVE client whose key is not allowed exchanges nothing and is reported",
    .requires("ZMQ_EVENT_HANDSHAKE_FAILED_AUTH"))
  func curveKeyNotAllowed() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    let serverKeys = try CurveKeyPair.generate(), allowed = try CurveKeyPair.generate()
    let intruder = try CurveKeyPair.generate()
    auth.configureCurve(.keys([allowed.publicKey]))

    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.configureCurveServer(keyPair: serverKeys)
    let watcher = try HandshakeWatcher(server)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.configureCurveClient(keyPair: intruder, serverKey: serverKeys.publicKey)
    try client.connect(endpoint)
    _ = try client.send("let me in", flags: .dontWait)

    let denial = log.wait { !$0.allowed }
    #expect(denial?.clientKey == intruder.publicKey)
    #expect(denial?.status == .authenticationFailure)
    #expect(denial?.reason == "CURVE key \(intruder.publicKey.z85) is not allowed")
    expectNothingArrives(server)
    #expect(watcher.next()?.event == MonitorEvents.handshakeFailedAuth.rawValue)
    #expect(!log.all.contains { $0.allowed })
  }

  @Test("CURVE clients are refused until keys are configured; policy changes apply to new connections")
  func curveAnyKey() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    let serverKeys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.configureCurveServer(keyPair: serverKeys)
    let endpoint = try bindTCP(server)
    let refused = try makeSocket(ctx, .push)
    try refused.configureCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
    try refused.connect(endpoint)
    _ = try refused.send("first", flags: .dontWait)
    #expect(log.wait { !$0.allowed }?.reason == "CURVE clients are not allowed (no keys configured)")
    expectNothingArrives(server)
    // libzmq 4.3 does not retry a connection that ZAP refused.
    try refused.close()

    auth.configureCurve(.anyKey)
    let admitted = try makeSocket(ctx, .push)
    try admitted.configureCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
    try admitted.connect(endpoint)
    try admitted.send("second")
    try server.set(.rcvtimeo, 5000)
    #expect(try server.recvString() == "second")
    #expect(log.wait { $0.allowed }?.userId == clientKeys.publicKey.z85)
  }

  @Test("a CURVE client with the wrong server key exchanges nothing", .requires("ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL"))
  func curveWrongServerKey() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    let serverKeys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
    auth.configureCurve(.keys([clientKeys.publicKey]))

    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.configureCurveServer(keyPair: serverKeys)
    let watcher = try HandshakeWatcher(server)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.configureCurveClient(keyPair: clientKeys, serverKey: try CurveKeyPair.generate().publicKey)
    try client.connect(endpoint)
    _ = try client.send("hello", flags: .dontWait)

    // The server cannot open the client's HELLO, so the handshake fails
    // before ZAP is asked: the server reports a protocol failure and the
    // authenticator never admits anybody.
    let event = watcher.next()
    #expect(event?.event == MonitorEvents.handshakeFailedProtocol.rawValue)
    #expect(event.map { Int32(bitPattern: $0.value) } == 0x1100_0001)  // ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC
    expectNothingArrives(server)
    #expect(!log.all.contains { $0.allowed })
  }

  @Test(
    "a client without CURVE exchanges nothing with a CURVE server", .requires("ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL"))
  func curveMissing() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    auth.configureCurve(.anyKey)
    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.configureCurveServer(keyPair: try CurveKeyPair.generate())
    let watcher = try HandshakeWatcher(server)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.connect(endpoint)
    _ = try client.send("hello", flags: .dontWait)

    // The mechanisms differ (NULL against CURVE): refused before ZAP.
    #expect(watcher.next()?.event == MonitorEvents.handshakeFailedProtocol.rawValue)
    expectNothingArrives(server)
    #expect(!log.all.contains { $0.allowed })
  }

  @Test("PLAIN with the right password works, a wrong password is refused")
  func plain() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    auth.configurePlain(passwords: ["alice": "correct horse"])

    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.set(.plainServer, true)
    let endpoint = try bindTCP(server)

    let intruder = try makeSocket(ctx, .push)
    try intruder.set(.plainUsername, "alice")
    try intruder.set(.plainPassword, "battery staple")
    try intruder.connect(endpoint)
    _ = try intruder.send("intruder", flags: .dontWait)
    let denial = log.wait { !$0.allowed }
    #expect(denial?.reason == "wrong password for \"alice\"")
    #expect(denial?.username == "alice")
    expectNothingArrives(server)
    try intruder.close()

    let user = try makeSocket(ctx, .push)
    try user.set(.plainUsername, "alice")
    try user.set(.plainPassword, "correct horse")
    try user.connect(endpoint)
    try user.send("hello")
    try server.set(.rcvtimeo, 5000)
    #expect(try server.recvString() == "hello")
    #expect(log.wait { $0.allowed }?.userId == "alice")
    for decision in log.all {
      #expect(!decision.description.contains("horse") && !decision.description.contains("battery"))
    }
  }

  @Test("the IP deny list refuses listed addresses, the allow list admits only listed ones")
  func addresses() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    try auth.deny("127.0.0.1")

    // A NULL server consults ZAP only when it has a ZAP domain.
    let server = try makeSocket(ctx, .pull, timeout: 500)
    try server.set(.zapDomain, "global")
    let endpoint = try bindTCP(server)
    let denied = try makeSocket(ctx, .push)
    try denied.connect(endpoint)
    _ = try denied.send("denied", flags: .dontWait)
    let denial = log.wait { !$0.allowed }
    #expect(denial?.reason == "address 127.0.0.1 is on the deny list")
    #expect(denial?.domain == "global" && denial?.mechanism == .null)
    expectNothingArrives(server)
    try denied.close()

    #expect(throws: ZAPPolicyError.conflictingAddressLists) { try auth.allow("127.0.0.1") }
    auth.updatePolicy { $0.clearAddresses() }
    try auth.allow("127.0.0.1")
    let admitted = try makeSocket(ctx, .push)
    try admitted.connect(endpoint)
    try admitted.send("admitted")
    try server.set(.rcvtimeo, 5000)
    #expect(try server.recvString() == "admitted")
    #expect(log.wait { $0.allowed }?.reason == "NULL mechanism, address on the allow list")
  }

  @Test("malformed requests get a 500 reply and the handler keeps serving")
  func malformedRequests() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    auth.configurePlain(passwords: ["alice": "pw"])
    let peer = try makeSocket(ctx, .dealer)
    try peer.connect(Authenticator.endpoint)

    func exchange(_ frames: [[UInt8]]) throws -> [[UInt8]] {
      let message = [[]] + frames
      for (index, frame) in message.enumerated() {
        try peer.send(frame, flags: index == message.count - 1 ? [] : .sndMore)
      }
      var reply: [[UInt8]] = []
      repeat { reply.append(try #require(try peer.recv())) } while try peer.get(.rcvmore)
      return reply
    }

    let unknown = try exchange(zapFrames("KERBEROS", requestId: "7"))
    #expect(
      unknown == [[], Array("1.0".utf8), Array("7".utf8), Array("500".utf8), Array("Malformed request".utf8), [], []])
    #expect(log.wait { $0.status == .internalError }?.reason.contains("KERBEROS") == true)

    let tooShort = try exchange([Array("1.0".utf8)])
    #expect(tooShort[3] == Array("500".utf8) && tooShort[2] == [])

    let tooLong = try exchange(Array(repeating: [1], count: 100))
    #expect(tooLong[3] == Array("500".utf8))
    #expect(log.wait { $0.reason == "a ZAP request of 100 frames is too long" } != nil)

    // A message without a delimiter cannot be answered but is reported.
    try peer.send([1, 2, 3])
    #expect(log.wait { $0.reason.contains("without an envelope delimiter") } != nil)

    // Still serving.
    let good = try exchange(zapFrames("PLAIN", [Array("alice".utf8), Array("pw".utf8)], requestId: "8"))
    #expect(
      good == [[], Array("1.0".utf8), Array("8".utf8), Array("200".utf8), Array("OK".utf8), Array("alice".utf8), []])
    let bad = try exchange(zapFrames("PLAIN", [Array("alice".utf8), Array("nope".utf8)], requestId: "9"))
    #expect(bad == [[], Array("1.0".utf8), Array("9".utf8), Array("400".utf8), Array("Access denied".utf8), [], []])
    #expect(auth.isRunning)
  }

  @Test("start is idempotent, stop joins, and the authenticator can start again")
  func lifecycle() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let auth = Authenticator(context: ctx)
    #expect(!auth.isRunning)
    try auth.start()
    try auth.start()
    #expect(auth.isRunning)

    let second = Authenticator(context: ctx)
    expectZMQError(.eaddrinuse) { try second.start() }
    #expect(!second.isRunning)

    auth.stop()
    auth.stop()
    #expect(!auth.isRunning)
    try second.start()
    #expect(second.isRunning)
    second.stop()
    try auth.start()
    auth.stop()
  }

  @Test("dropping an authenticator stops it and frees the ZAP endpoint")
  func deinitStops() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    do {
      let auth = Authenticator(context: ctx)
      try auth.start()
    }
    let next = Authenticator(context: ctx)
    try next.start()
    next.stop()
  }

  @Test("terminating the context ends the authenticator without hanging")
  func contextTerm() throws {
    let ctx = try Context()
    let auth = Authenticator(context: ctx)
    try auth.start()
    expectFinishes(within: 5, "term() with a running authenticator") { try ctx.term() }
    #expect(!auth.isRunning)
    auth.stop()
    expectZMQError(.eterm) { try auth.start() }
  }

  @Test("shutting the context down ends the authenticator")
  func contextShutdown() throws {
    let ctx = try Context()
    let auth = Authenticator(context: ctx)
    try auth.start()
    try ctx.shutdown()
    expectFinishes(within: 5, "stop() after shutdown()") { auth.stop() }
    #expect(!auth.isRunning)
    try ctx.term()
  }

  @Test("stop may be called from the decision callback")
  func stopFromCallback() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let holder = Locked<Authenticator?>(nil)
    let called = Flag()
    let auth = Authenticator(context: ctx) { _ in
      holder.get?.stop()
      called.raise()
    }
    holder.set(auth)
    try auth.start()
    let peer = try makeSocket(ctx, .dealer)
    try peer.connect(Authenticator.endpoint)
    for (index, frame) in ([[]] + zapFrames("NULL")).enumerated() {
      try peer.send(frame, flags: index == 6 ? [] : .sndMore)
    }
    #expect(called.wait(seconds: 5))
    let deadline = Date().addingTimeInterval(5)
    while auth.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    #expect(!auth.isRunning)
    holder.set(nil)
  }

  @Test("CURVE keys can come from a directory of certificate files")
  func keyDirectory() throws {
    let (ctx, auth, log) = try setUp()
    defer { tearDown(ctx, auth) }
    let directory = NSTemporaryDirectory() + "zeromq-auth-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let serverKeys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
    try CurveCertificate(keyPair: clientKeys, metadata: ["name": "client"]).write(to: directory + "/client.key")
    try CurveCertificate(keyPair: try CurveKeyPair.generate()).write(to: directory + "/other.key")
    #expect(try auth.configureCurve(keyDirectory: directory) == 2)

    let server = try makeSocket(ctx, .pull)
    try server.configureCurveServer(keyPair: serverKeys)
    let endpoint = try bindTCP(server)
    let client = try makeSocket(ctx, .push)
    try client.configureCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
    try client.connect(endpoint)
    try client.send("from a certificate")
    #expect(try server.recvString() == "from a certificate")
    #expect(log.wait { $0.allowed }?.clientKey == clientKeys.publicKey)

    #expect(throws: CurveCertificateError.self) { try auth.configureCurve(keyDirectory: directory + "/missing") }
    // A failed load leaves the policy as it was.
    #expect(auth.policy.curve == .keys(Set(try CurveCertificate.publicKeys(inDirectory: directory))))
  }
}
