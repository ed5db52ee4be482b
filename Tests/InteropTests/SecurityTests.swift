import Foundation
import Synchronization
import Testing
import ZeroMQ

// CURVE with keys made on each side, wrong server keys, and PLAIN/CURVE
// authentication with a ZAP authenticator on either side: pyzmq's
// `zmq.auth.thread.ThreadAuthenticator` against Swift clients, and the
// Swift `Authenticator` against pyzmq clients. Refusals are asserted on
// the receiving side: nothing arrives within a timeout.

// Keys go to peer.py as `--option=value`: Z85 text may start with "-",
// which argparse would otherwise take for an option.

/// How long a refused exchange is watched for a message that must not come.
private let refusalWindow: Int32 = 1000

/// The handshake events of a socket monitor.
private let handshakeEvents: MonitorEvents = [
  .handshakeSucceeded, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth,
]

/// The events the monitor has queued, waiting at most `timeout` ms for the
/// first one.
private func drain(_ monitor: SocketMonitor, waitingUpTo timeout: Int32 = 1000) throws -> [MonitorEvents] {
  var events: [MonitorEvents] = []
  while let event = try monitor.next(timeout: events.isEmpty ? timeout : 0) { events.append(event.event) }
  return events
}

/// Whether the events show a handshake that was tried and failed, and none
/// that succeeded: the refusal is not just a peer that never came.
private func refused(_ events: [MonitorEvents]) -> Bool {
  !events.contains(.handshakeSucceeded)
    && events.contains { [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth].contains($0) }
}

@Suite("Interop with pyzmq: CURVE keys made on each side", needsPyzmq, .timeLimit(.minutes(1)))
struct CurveInteropTests {
  @Test("Swift CURVE server with pyzmq-made keys ← pyzmq CURVE client with its own keys")
  func swiftServerPythonMadeKeys() throws {
    let keys = try PyzmqKeyPair.make()
    // The binding's Z85 agrees with pyzmq's pure-Python z85, and libzmq
    // derives the same public key from pyzmq's secret key.
    #expect(try CurvePublicKey(z85: keys.publicZ85).bytes == keys.publicBytes)
    #expect(try CurveSecretKey(z85: keys.secretZ85).bytes == keys.secretBytes)
    #expect(try CurveSecretKey(z85: keys.secretZ85).publicKey.z85 == keys.publicZ85)
    #expect(try Z85.encode(keys.publicBytes) == keys.publicZ85)

    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let rep = try socket(ctx, .rep)
    // The raw typed options, one key as Z85 text and one as bytes.
    try rep.set(.curveServer, true)
    try rep.set(.curveSecretkey, keys.secretZ85)
    try rep.set(.curvePublickey, keys.publicBytes)
    #expect(try rep.get(.curvePublickey) == keys.publicBytes)
    #expect(try rep.getsockoptString(ZMQ.CURVE_PUBLICKEY) == keys.publicZ85)
    #expect(try rep.get(.mechanism) == ZMQ.CURVE)
    let endpoint = try bindLoopback(rep)
    let peer = try PythonPeer(
      "req",
      [
        "--connect", endpoint, "--curve-serverkey=" + keys.publicZ85,
        "--send", json([[b("over curve")]]), "--expect", json([[b("curve reply")]]),
      ])
    peer.run {
      _ = try peer.require("KEYPAIR ")  // the client made its own keys
      #expect(try rep.recvString() == "over curve")
      try rep.send("curve reply")
    }
  }

  @Test("pyzmq CURVE server with Swift-made keys ← Swift CURVE client with Swift-made keys")
  func pythonServerSwiftMadeKeys() throws {
    let server = try CurveKeyPair.generate()
    let client = try CurveKeyPair.generate()
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer(
      "rep",
      [
        "--bind", "--curve-server-secret=" + server.secretKey.z85, "--curve-server-public=" + server.publicKey.z85,
        "--expect", json([[b("hello"), b("curve")]]), "--send", json([[b("hello back")]]),
      ])
    peer.run {
      let req = try socket(ctx, .req)
      try req.configureCurveClient(keyPair: client, serverKey: server.publicKey)
      try req.connect(try peer.endpoint())
      try req.sendMultipart(["hello", "curve"])
      #expect(try recvParts(req) == [b("hello back")])
    }
  }

  @Test("Swift client with a wrong server key: pyzmq's server receives nothing")
  func swiftClientWrongServerKey() throws {
    let server = try CurveKeyPair.generate()
    let impostor = try CurveKeyPair.generate()
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer(
      "rep",
      [
        "--bind", "--curve-server-secret=" + server.secretKey.z85, "--curve-server-public=" + server.publicKey.z85,
        "--expect-nothing", "--watch-handshake", "--timeout", "\(refusalWindow)",
      ])
    peer.run {
      let req = try socket(ctx, .req, timeout: refusalWindow)
      try req.configureCurveClient(keyPair: try CurveKeyPair.generate(), serverKey: impostor.publicKey)
      try req.connect(try peer.endpoint())
      try req.send("must not arrive")
      #expect(throws: ZMQError.eagain) { try req.recv() }
    }
  }

  @Test("pyzmq client with a wrong server key: the Swift server receives nothing")
  func pythonClientWrongServerKey() throws {
    let server = try CurveKeyPair.generate()
    let impostor = try CurveKeyPair.generate()
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let rep = try socket(ctx, .rep, timeout: refusalWindow)
    try rep.configureCurveServer(keyPair: server)
    let monitor = try rep.monitor(events: handshakeEvents)
    let endpoint = try bindLoopback(rep)
    let peer = try PythonPeer(
      "req",
      [
        "--connect", endpoint, "--curve-serverkey=" + impostor.publicKey.z85,
        "--send", json([[b("must not arrive")]]), "--expect-nothing", "--timeout", "\(refusalWindow)",
      ])
    peer.run {
      _ = try peer.endpoint()
      #expect(throws: ZMQError.eagain) { try rep.recv() }
      let events = try drain(monitor)
      #expect(refused(events), "pyzmq's handshake was tried and failed: \(events)")
      try rep.stopMonitor()
    }
  }
}

@Suite("Interop with pyzmq: pyzmq's ThreadAuthenticator against Swift clients", needsPyzmq, .timeLimit(.minutes(1)))
struct PythonAuthenticatorInteropTests {
  @Test("PLAIN: the right password is let in")
  func plainAllowed() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer(
      "rep",
      [
        "--bind", "--plain-server", "--auth", "plain", "--allow-user", "admin:s3cret",
        "--expect", json([[b("plain hello")]]), "--send", json([[b("plain welcome")]]),
      ])
    peer.run {
      let req = try socket(ctx, .req)
      try req.set(.plainUsername, "admin")
      try req.set(.plainPassword, "s3cret")
      try req.connect(try peer.endpoint())
      try req.send("plain hello")
      #expect(try req.recvString() == "plain welcome")
    }
  }

  @Test(
    "PLAIN: a wrong password or unknown user exchanges nothing",
    arguments: [("admin", "wrong"), ("mallory", "s3cret"), ("admin", "")])
  func plainDenied(username: String, password: String) throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer(
      "rep",
      [
        "--bind", "--plain-server", "--auth", "plain", "--allow-user", "admin:s3cret",
        "--expect-nothing", "--watch-handshake", "--timeout", "\(refusalWindow)",
      ])
    peer.run {
      let req = try socket(ctx, .req, timeout: refusalWindow)
      try req.set(.plainUsername, username)
      try req.set(.plainPassword, password)
      try req.connect(try peer.endpoint())
      try req.send("must not arrive")
      #expect(throws: ZMQError.eagain) { try req.recv() }
    }
  }

  @Test("CURVE: an allowed Swift client key is let in; any other exchanges nothing", arguments: [true, false])
  func curveClientKey(allowed: Bool) throws {
    let server = try CurveKeyPair.generate()
    let client = try CurveKeyPair.generate()
    let other = try CurveKeyPair.generate()
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let serverArguments = [
      "--bind", "--curve-server-secret=" + server.secretKey.z85, "--curve-server-public=" + server.publicKey.z85,
      "--auth", "curve", "--allow-key=" + (allowed ? client : other).publicKey.z85,
    ]
    let outcome =
      allowed
      ? ["--expect", json([[b("key hello")]]), "--send", json([[b("key welcome")]])]
      : ["--expect-nothing", "--watch-handshake", "--timeout", "\(refusalWindow)"]
    let peer = try PythonPeer("rep", serverArguments + outcome)
    peer.run {
      let req = try socket(ctx, .req, timeout: allowed ? 5000 : refusalWindow)
      try req.configureCurveClient(keyPair: client, serverKey: server.publicKey)
      try req.connect(try peer.endpoint())
      try req.send(allowed ? "key hello" : "must not arrive")
      if allowed {
        #expect(try req.recvString() == "key welcome")
      } else {
        #expect(throws: ZMQError.eagain) { try req.recv() }
      }
    }
  }
}

/// The decisions an `Authenticator` reported.
private final class Decisions: Sendable {
  private let list = Mutex<[ZAPDecision]>([])
  func append(_ decision: ZAPDecision) { list.withLock { $0.append(decision) } }
  var all: [ZAPDecision] { list.withLock { $0 } }
}

@Suite("Interop with pyzmq: the Swift Authenticator against pyzmq clients", needsPyzmq, .timeLimit(.minutes(1)))
struct SwiftAuthenticatorInteropTests {
  @Test("PLAIN: pyzmq with the right password is let in, with a wrong one exchanges nothing", arguments: [true, false])
  func plain(allowed: Bool) throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let decisions = Decisions()
    let auth = Authenticator(context: ctx) { decisions.append($0) }
    try auth.start()
    defer { auth.stop() }  // before destroy (defers run in reverse)
    auth.configurePlain(passwords: ["py-user": "py-pass"])

    let rep = try socket(ctx, .rep, timeout: allowed ? 5000 : refusalWindow)
    try rep.set(.plainServer, true)
    try rep.set(.zapDomain, "interop")
    let monitor = try rep.monitor(events: handshakeEvents)
    let endpoint = try bindLoopback(rep)
    let outcome =
      allowed
      ? ["--send", json([[b("plain from python")]]), "--expect", json([[b("plain from swift")]])]
      : ["--send", json([[b("must not arrive")]]), "--expect-nothing", "--timeout", "\(refusalWindow)"]
    let peer = try PythonPeer(
      "req",
      ["--connect", endpoint, "--plain-username=py-user", "--plain-password=" + (allowed ? "py-pass" : "nope")]
        + outcome)
    peer.run {
      _ = try peer.endpoint()
      if allowed {
        #expect(try rep.recvString() == "plain from python")
        try rep.send("plain from swift")
      } else {
        #expect(throws: ZMQError.eagain) { try rep.recv() }
      }
      let events = try drain(monitor)
      if allowed {
        #expect(events.first == .handshakeSucceeded, "\(events)")
      } else {
        #expect(refused(events) && events.contains(.handshakeFailedAuth), "ZAP refused pyzmq: \(events)")
      }
      try rep.stopMonitor()
    }
    let decision = try #require(decisions.all.first, "the authenticator was asked")
    #expect(decision.allowed == allowed, "\(decision)")
    #expect(decision.mechanism == .plain)
    #expect(decision.username == "py-user")
    #expect(decision.domain == "interop")
    #expect(decision.address == "127.0.0.1")
  }

  @Test(
    "CURVE: a pyzmq-made client key on the allow list is let in, another exchanges nothing", arguments: [true, false])
  func curve(allowed: Bool) throws {
    let clientKeys = try PyzmqKeyPair.make()
    let clientKey = try CurvePublicKey(z85: clientKeys.publicZ85)
    let server = try CurveKeyPair.generate()
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let decisions = Decisions()
    let auth = Authenticator(context: ctx) { decisions.append($0) }
    try auth.start()
    defer { auth.stop() }
    auth.configureCurve(.keys([allowed ? clientKey : try CurveKeyPair.generate().publicKey]))

    let rep = try socket(ctx, .rep, timeout: allowed ? 5000 : refusalWindow)
    try rep.configureCurveServer(keyPair: server)
    let monitor = try rep.monitor(events: handshakeEvents)
    let endpoint = try bindLoopback(rep)
    let outcome =
      allowed
      ? ["--send", json([[b("curve from python")]]), "--expect", json([[b("curve from swift")]])]
      : ["--send", json([[b("must not arrive")]]), "--expect-nothing", "--timeout", "\(refusalWindow)"]
    let peer = try PythonPeer(
      "req",
      [
        "--connect", endpoint, "--curve-serverkey=" + server.publicKey.z85,
        "--curve-public=" + clientKeys.publicZ85, "--curve-secret=" + clientKeys.secretZ85,
      ] + outcome)
    peer.run {
      _ = try peer.endpoint()
      if allowed {
        #expect(try rep.recvString() == "curve from python")
        try rep.send("curve from swift")
      } else {
        #expect(throws: ZMQError.eagain) { try rep.recv() }
      }
      let events = try drain(monitor)
      if allowed {
        #expect(events.first == .handshakeSucceeded, "\(events)")
      } else {
        #expect(refused(events) && events.contains(.handshakeFailedAuth), "ZAP refused pyzmq: \(events)")
      }
      try rep.stopMonitor()
    }
    let decision = try #require(decisions.all.first, "the authenticator was asked")
    #expect(decision.allowed == allowed, "\(decision)")
    #expect(decision.mechanism == .curve)
    #expect(decision.clientKey == clientKey, "the key pyzmq presented is the one it made")
  }
}
