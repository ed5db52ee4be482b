// One soak iteration: a fresh context and, in it, every kind of object the
// library manages, each created, used, checked and released again.

import Foundation
import Synchronization
import ZeroMQ

/// What one iteration exercises, in order; the names appear in progress
/// and failure reports.
struct Cycle {
  let iteration: Int
  let ledger: ZeroCopyLedger
  let watchdog: Watchdog
  /// Messages received and checked so far in this iteration.
  var received = 0

  mutating func run() async throws {
    try await exercise()
    // The context has ended (by term(), destroy(linger:) or its last
    // reference going away): libzmq has released every message it held, so
    // every zero-copy deallocator must have run by now.
    let outstanding = ledger.outstanding
    try check(outstanding == 0, "\(outstanding) zero-copy deallocator(s) have not run after the context ended")
  }

  private mutating func exercise() async throws {
    let context = try Context()
    // Sockets kept open until the end, so that `destroy(linger:)` has
    // something to close.
    var keptOpen: [Socket] = []

    watchdog.enter("iteration \(iteration): pair over inproc")
    try pairInproc(context)
    watchdog.enter("iteration \(iteration): push/pull over ipc, zero-copy")
    try pushPull(context, transport: "ipc")
    watchdog.enter("iteration \(iteration): push/pull over tcp, zero-copy")
    try pushPull(context, transport: "tcp")
    watchdog.enter("iteration \(iteration): req/rep over tcp with a poller")
    try requestReply(context)
    watchdog.enter("iteration \(iteration): pub/sub over inproc")
    try publishSubscribe(context)
    watchdog.enter("iteration \(iteration): router/dealer multipart over tcp")
    keptOpen += try routerDealer(context)
    watchdog.enter("iteration \(iteration): monitor")
    try await monitor(context, variant: iteration % 3)
    watchdog.enter("iteration \(iteration): authenticator (PLAIN, CURVE)")
    try authenticator(context, stopExplicitly: iteration % 2 == 0)
    watchdog.enter("iteration \(iteration): async send/receive and cancellation")
    try await asynchronous(context)

    watchdog.enter("iteration \(iteration): context end")
    switch iteration % 4 {
    case 3:
      try context.destroy(linger: 0)
      try check(keptOpen.allSatisfy(\.isClosed), "destroy(linger:) left a socket open")
    case 1:
      for socket in keptOpen { try socket.close() }  // and the context ends with its last reference
    default:
      for socket in keptOpen { try socket.close() }
      try context.term()
    }
  }

  /// Receives a string and checks it.
  private mutating func expectString(_ socket: Socket, _ expected: String, _ what: String) throws {
    let text = try socket.recvString()
    try check(text == expected, "\(what): expected \(String(reflecting: expected)), got \(String(reflecting: text))")
    received += 1
  }

  /// Receives a message and checks that it is `size` bytes of `fill`.
  private mutating func expectFilled(_ socket: Socket, size: Int, fill: UInt8, _ what: String) throws {
    guard let message = try socket.recvMessage() else { throw SoakFailure("\(what): no message") }
    try checkFilled(message, size: size, fill: fill, what)
  }

  private mutating func checkFilled(_ message: Message, size: Int, fill: UInt8, _ what: String) throws {
    let good = message.withUnsafeBytes { bytes in bytes.count == size && bytes.allSatisfy { $0 == fill } }
    try check(good, "\(what): expected \(size) bytes of \(fill), got \(message.size) bytes")
    received += 1
  }

  // MARK: Scenarios

  /// PAIR over inproc: every scalar and byte encoding, there and back.
  private mutating func pairInproc(_ context: Context) throws {
    let a = try makeSocket(context, .pair), b = try makeSocket(context, .pair)
    let endpoint = uniqueInproc("pair")
    try a.bind(endpoint)
    try b.connect(endpoint)
    try b.send("hello \(iteration)")
    try b.send(Int32(iteration))
    try b.send(Int64(iteration) << 20)
    try b.send(true)
    try b.send([UInt8](repeating: 3, count: 100))
    try b.send()
    try expectString(a, "hello \(iteration)", "pair string")
    try check(try a.recvInt() == Int32(iteration), "pair Int32")
    try check(try a.recvInt64() == Int64(iteration) << 20, "pair Int64")
    try check(try a.recvInt() == 1, "pair Bool")
    try check(try a.recv() == [UInt8](repeating: 3, count: 100), "pair bytes")
    try check(try a.recv() == [], "pair empty message")
    received += 5
    try a.send("back")
    try expectString(b, "back", "pair reply")
    try a.close()  // explicit close here, implicit (deinit) for b
  }

  /// PUSH → PULL with zero-copy messages: sent, copied (and a copy changed
  /// in place), sent as parts of a multipart message, dropped unsent, and
  /// refused by a send that cannot proceed. Every deallocator must run once.
  private mutating func pushPull(_ context: Context, transport: String) throws {
    let pull = try makeSocket(context, .pull), push = try makeSocket(context, .push)
    let endpoint = try bindAnywhere(pull, transport)
    try push.connect(endpoint)

    let sizes = [64, 4096, 65536]
    for (index, size) in sizes.enumerated() {
      let message = try ledger.message(size: size, fill: UInt8(index + 1))
      try push.send(message)
      try check(message.size == 0, "a sent message is empty")
    }
    let original = try ledger.message(size: 1000, fill: 0xC1)
    let duplicate = try original.copy()
    let altered = try original.copy()
    try check(altered.isShared, "a copy of a 1000-byte message shares its content")
    // Writing to shared content first gives the message a private copy.
    try altered.withUnsafeMutableBytes { bytes in _ = bytes.initializeMemory(as: UInt8.self, repeating: 0xC2) }
    try push.send(original)
    try push.send(duplicate)
    try push.send(altered)
    let parts: [Message] = [
      try ledger.message(size: 300, fill: 0xA1), try Message("middle"), try ledger.message(size: 300, fill: 0xA2),
    ]
    try push.sendMultipart(parts)
    _ = try ledger.message(size: 128, fill: 0xDD)  // never sent: released at once

    for (index, size) in sizes.enumerated() {
      try expectFilled(pull, size: size, fill: UInt8(index + 1), "\(transport) zero-copy \(size)")
    }
    try expectFilled(pull, size: 1000, fill: 0xC1, "\(transport) zero-copy original")
    try expectFilled(pull, size: 1000, fill: 0xC1, "\(transport) zero-copy copy")
    try expectFilled(pull, size: 1000, fill: 0xC2, "\(transport) altered copy")
    guard let got = try pull.recvMultipartMessages() else { throw SoakFailure("\(transport) multipart: nothing") }
    try check(got.count == 3, "\(transport) multipart: \(got.count) parts instead of 3")
    try checkFilled(got[0], size: 300, fill: 0xA1, "multipart part 1")
    try check(got[1].string == "middle" && got[1].more, "multipart part 2")
    try checkFilled(got[2], size: 300, fill: 0xA2, "multipart part 3")

    // A PUSH without peers cannot send: with .dontWait it says so, the
    // message stays the caller's, and dropping it runs the deallocator.
    let lonely = try makeSocket(context, .push)
    let unsent = try ledger.message(size: 512, fill: 0xEE)
    try check(try lonely.send(unsent, flags: .dontWait) == nil, "send without peers reported success")
    try check(unsent.size == 512, "a message that was not sent keeps its bytes")
    try push.close()
    try pull.close()
  }

  /// REQ ⇄ REP over tcp, driven by a poller that is modified and emptied.
  private mutating func requestReply(_ context: Context) throws {
    let rep = try makeSocket(context, .rep), req = try makeSocket(context, .req)
    let endpoint = try bindAnywhere(rep, "tcp")
    try req.connect(endpoint)
    let poller = Poller()
    try poller.add(rep, events: .pollIn, userData: "server")
    try poller.add(req, events: .pollOut, userData: "client")
    for round in 0..<3 {
      guard let writable = try poller.wait(timeout: Int(socketTimeout)), writable.socket === req else {
        throw SoakFailure("poller: the client did not become writable")
      }
      try req.send("ping \(round)")
      try poller.modify(req, events: .pollIn)
      guard let readable = try poller.wait(timeout: Int(socketTimeout)), readable.socket === rep,
        readable.userData as? String == "server"
      else { throw SoakFailure("poller: the request did not arrive") }
      try expectString(rep, "ping \(round)", "request")
      try rep.send("pong \(round)")
      guard let answer = try poller.wait(timeout: Int(socketTimeout)), answer.socket === req else {
        throw SoakFailure("poller: the reply did not arrive")
      }
      try expectString(req, "pong \(round)", "reply")
      try poller.modify(req, events: .pollOut)
    }
    try check(try poller.waitAll(4, timeout: 0).count == 1, "poller: only the client is ready")
    try poller.remove(rep)
    try req.close()  // a closed socket leaves the poller by itself
    try check(poller.size == 0, "poller still holds \(poller.size) socket(s)")
  }

  /// PUB → SUB over inproc: waits until the subscription has arrived, then
  /// checks that filtered messages stay away and the others all arrive.
  private mutating func publishSubscribe(_ context: Context) throws {
    let pub = try makeSocket(context, .pub), sub = try makeSocket(context, .sub)
    try sub.set(.subscribe, "a")
    let endpoint = uniqueInproc("pubsub")
    try pub.bind(endpoint)
    // Nobody subscribes yet: libzmq drops this, and must release it.
    try pub.send(try ledger.message(size: 4000, fill: 0x77))
    try sub.connect(endpoint)
    var joined = false
    for _ in 0..<2000 where !joined {
      try pub.send("a probe")
      joined = try sub.recvString(flags: .dontWait) != nil
      if !joined { usleep(500) }
    }
    try check(joined, "the subscription never reached the publisher")
    while try sub.recv(flags: .dontWait) != nil {}  // later probes
    for k in 0..<10 {
      try pub.send("b filtered \(k)")
      try pub.sendMultipart(["a", "data \(k)"])
    }
    for k in 0..<10 {
      let parts = try sub.recvMultipart()
      try check(
        parts == [Array("a".utf8), Array("data \(k)".utf8)], "pub/sub message \(k): \(String(describing: parts))")
      received += 1
    }
    try check(try sub.recv(flags: .dontWait) == nil, "a filtered message arrived")
  }

  /// ROUTER ⇄ DEALER over tcp with mixed multipart messages. Returns the two
  /// sockets, still open, for the context's end to close.
  private mutating func routerDealer(_ context: Context) throws -> [Socket] {
    let router = try makeSocket(context, .router), dealer = try makeSocket(context, .dealer)
    try dealer.set(.routingId, "dealer-\(iteration)")
    let endpoint = try bindAnywhere(router, "tcp")
    try dealer.connect(endpoint)
    let payload = Data((0..<200).map { UInt8(truncatingIfNeeded: $0) })
    try dealer.sendMultipart(["", "request", payload, [UInt8]([9, 8, 7])] as [any MessagePart])
    guard let request = try router.recvMultipart() else { throw SoakFailure("router: no request") }
    try check(
      request == [Array("dealer-\(iteration)".utf8), [], Array("request".utf8), Array(payload), [9, 8, 7]],
      "router: wrong request \(request.map(\.count))")
    received += 1
    let body = try ledger.message(size: 2048, fill: 0x42)
    try router.sendMultipart([request[0], [], body, "tail"] as [any MessagePart])
    try check(body.size == 0, "a Message part of a mixed multipart send was copied instead of sent")
    // A ROUTER drops messages for peers it does not know, and must release them.
    try router.sendMultipart([Array("nobody".utf8), [], try ledger.message(size: 999, fill: 1)] as [any MessagePart])
    guard let reply = try dealer.recvMultipartMessages() else { throw SoakFailure("dealer: no reply") }
    try check(reply.count == 3 && reply[0].isEmpty && reply[2].string == "tail", "dealer: wrong reply")
    try checkFilled(reply[1], size: 2048, fill: 0x42, "dealer reply body")
    return [router, dealer]
  }

  /// A monitor on a tcp server: the listening, accepted and handshake events
  /// arrive; then the monitor ends in one of three ways — stopped (the last
  /// events read through its async sequence), closed while libzmq still
  /// reports to it, or ended by closing the watched socket.
  private mutating func monitor(_ context: Context, variant: Int) async throws {
    let server = try makeSocket(context, .pull)
    let monitor = try server.monitor(events: .all)
    let endpoint = try bindAnywhere(server, "tcp")
    let client = try makeSocket(context, .push)
    try client.connect(endpoint)
    let wanted: MonitorEvents = [.listening, .accepted, .handshakeSucceeded]
    var seen: MonitorEvents = []
    let deadline = monotonicSeconds() + Double(socketTimeout) / 1000
    while !seen.isSuperset(of: wanted) {
      let left = Int32(max(0, (deadline - monotonicSeconds()) * 1000))
      guard let event = try monitor.next(timeout: left) else {
        throw SoakFailure("monitor: saw \(seen.rawValue) of \(wanted.rawValue) before the timeout")
      }
      seen.insert(event.event)
    }
    try client.send("monitored")
    try expectString(server, "monitored", "monitored server")
    switch variant {
    case 0:
      // The rest through the async sequence, which ends after .monitorStopped.
      try server.stopMonitor()
      var last: MonitorEvents = []
      for try await event in monitor.events { last = event.event }
      try check(last == .monitorStopped, "monitor events: ended with \(last.rawValue), not .monitorStopped")
      monitor.close()
      return
    case 1:
      monitor.close()  // libzmq still reports: the events left are drained in the background
      try client.close()
      return
    default:
      try server.close()
    }
    var stopped = false
    while !stopped {
      guard let event = try monitor.next(timeout: socketTimeout) else {
        throw SoakFailure("monitor: no .monitorStopped (variant \(variant))")
      }
      stopped = event.event == .monitorStopped
    }
    try check(monitor.isStopped, "monitor: not stopped after .monitorStopped")
    try check(try monitor.next(timeout: 0) == nil, "monitor: an event after .monitorStopped")
    monitor.close()
  }

  /// An authenticator: a PLAIN and a CURVE client let in, a PLAIN client
  /// with a wrong password kept out, then stopped or simply dropped.
  private mutating func authenticator(_ context: Context, stopExplicitly: Bool) throws {
    let decisions = Mutex<[Bool]>([])
    let authenticator = Authenticator(context: context) { decision in
      decisions.withLock { $0.append(decision.allowed) }
    }
    try authenticator.start()
    let clientKeys = try CurveKeyPair.generate(), serverKeys = try CurveKeyPair.generate()
    authenticator.configurePlain(passwords: ["soak": "secret"])
    authenticator.configureCurve(.keys([clientKeys.publicKey]))

    let plainServer = try makeSocket(context, .pull)
    try plainServer.set(.plainServer, true)
    let plainEndpoint = try bindAnywhere(plainServer, "tcp")
    let plainClient = try makeSocket(context, .push)
    try plainClient.set(.plainUsername, "soak")
    try plainClient.set(.plainPassword, "secret")
    try plainClient.connect(plainEndpoint)
    try plainClient.send("plain")
    try expectString(plainServer, "plain", "PLAIN client")

    let curveServer = try makeSocket(context, .pull)
    try curveServer.configureCurveServer(keyPair: serverKeys)
    let curveEndpoint = try bindAnywhere(curveServer, "tcp")
    let curveClient = try makeSocket(context, .push)
    try curveClient.configureCurveClient(keyPair: clientKeys, serverKey: serverKeys.publicKey)
    try curveClient.connect(curveEndpoint)
    try curveClient.send("curve")
    try expectString(curveServer, "curve", "CURVE client")

    let intruder = try makeSocket(context, .push)
    try intruder.set(.plainUsername, "soak")
    try intruder.set(.plainPassword, "wrong")
    try intruder.set(.reconnectIvl, 10_000)  // one attempt is enough
    try intruder.connect(plainEndpoint)
    try intruder.send("intruder", flags: .dontWait)
    let deadline = monotonicSeconds() + Double(socketTimeout) / 1000
    while decisions.withLock({ !$0.contains(false) }) && monotonicSeconds() < deadline { usleep(200) }
    let made = decisions.withLock { $0 }
    try check(made.filter { $0 }.count >= 2 && made.contains(false), "authenticator decisions: \(made)")
    try check(try plainServer.recv(flags: .dontWait) == nil, "a refused client's message arrived")

    for socket in [plainServer, plainClient, curveServer, curveClient, intruder] { try socket.close() }
    if stopExplicitly {
      authenticator.stop()
      try check(!authenticator.isRunning, "the authenticator still runs after stop()")
    }  // otherwise dropping it stops it
  }

  /// async/await: sends and receives, a timeout, a receive that waits for
  /// another task's send, the `strings` sequence, and a receive and a send
  /// cancelled while they wait.
  private mutating func asynchronous(_ context: Context) async throws {
    let a = try makeSocket(context, .pair), b = try makeSocket(context, .pair)
    let endpoint = uniqueInproc("async")
    try a.bind(endpoint)
    try b.connect(endpoint)
    for k in 0..<4 {
      try await b.sendAsync("async \(k)")
      let text = try await a.recvStringAsync()
      try check(text == "async \(k)", "async receive \(k): \(text)")
      received += 1
    }
    try await a.sendMultipartAsync(["one", "two"])
    let parts = try await b.recvMultipartAsync()
    try check(parts == [Array("one".utf8), Array("two".utf8)], "async multipart")
    try await a.sendAsync(try ledger.message(size: 256, fill: 0x5A))
    let message = try await b.recvMessageAsync()
    try checkFilled(message, size: 256, fill: 0x5A, "async zero-copy")

    try a.set(.rcvtimeo, 1)
    do {
      _ = try await a.recvAsync()
      throw SoakFailure("async receive: nothing was sent, yet something arrived")
    } catch let error as ZMQError where error == .eagain {}

    // A receive that really suspends: the message comes from another task
    // (with a socket of its own) a moment later.
    let pull = try makeSocket(context, .pull)
    let later = uniqueInproc("later")
    try pull.bind(later)
    let pusher = Task { () async throws in
      let push = try makeSocket(context, .push)
      try push.connect(later)
      try await Task.sleep(for: .milliseconds(1))
      for k in 0..<3 { try await push.sendAsync("later \(k)") }
    }
    var k = 0
    for try await text in pull.strings {
      try check(text == "later \(k)", "async sequence element \(k): \(text)")
      received += 1
      k += 1
      if k == 3 { break }
    }
    try await pusher.value

    // A receive with nothing to receive and a send with nobody to send to
    // (a PUSH without peers), each in a task that owns its socket: both
    // must end with CancellationError when cancelled while they wait.
    let receiver = Task { () async -> String in
      do {
        let pull = try makeSocket(context, .pull)
        try pull.bind(uniqueInproc("cancel"))
        _ = try await pull.recvAsync()
        return "received a message"
      } catch is CancellationError {
        return "cancelled"
      } catch {
        return "\(error)"
      }
    }
    let ledger = self.ledger
    let sender = Task { () async -> String in
      do {
        let push = try makeSocket(context, .push)
        _ = try await push.sendAsync(try ledger.message(size: 100, fill: 0x99))
        return "sent a message"
      } catch is CancellationError {
        return "cancelled"
      } catch {
        return "\(error)"
      }
    }
    try await Task.sleep(for: .milliseconds(1))
    receiver.cancel()
    sender.cancel()
    let outcomes = (await receiver.value, await sender.value)
    try check(outcomes == ("cancelled", "cancelled"), "cancelled async receive and send ended with: \(outcomes)")
  }
}
