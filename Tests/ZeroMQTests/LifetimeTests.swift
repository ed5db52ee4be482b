import Foundation
import Testing
@testable import ZeroMQ

@Suite struct LifetimeTests {
  @Test func closeIsIdempotent() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.pair)
    #expect(!socket.isClosed)
    try socket.close()
    #expect(socket.isClosed)
    try socket.close()
    try socket.close()
    try ctx.term()
  }

  @Test func everyCallAfterCloseThrowsEnotsock() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.dealer)
    try socket.close()
    let calls: [(String, () throws -> Void)] = [
      ("bind", { try socket.bind(uniqueInproc()) }),
      ("unbind", { try socket.unbind("inproc://x") }),
      ("connect", { try socket.connect("inproc://x") }),
      ("disconnect", { try socket.disconnect("inproc://x") }),
      ("send()", { try socket.send() }),
      ("send(String)", { try socket.send("x") }),
      ("send(Int32)", { try socket.send(Int32(1)) }),
      ("send(Int64)", { try socket.send(Int64(1)) }),
      ("send(Bool)", { try socket.send(true) }),
      ("send([UInt8])", { try socket.send([1] as [UInt8]) }),
      ("send(Data)", { try socket.send(Data([1])) }),
      ("send(dontWait)", { try socket.send("x", flags: .dontWait) }),
      ("recv", { _ = try socket.recv() }),
      ("recv(dontWait)", { _ = try socket.recv(flags: .dontWait) }),
      ("recvBytes", { _ = try socket.recvBytes() }),
      ("recvInt", { _ = try socket.recvInt() }),
      ("recvInt64", { _ = try socket.recvInt64() }),
      ("recvString", { _ = try socket.recvString() }),
      ("set", { try socket.set(.linger, 0) }),
      ("set String", { try socket.set(.routingId, "x") }),
      ("get", { _ = try socket.get(.linger) }),
      ("get String", { _ = try socket.get(.lastEndpoint) }),
      ("get bytes", { _ = try socket.get(.routingId) }),
      ("setsockopt", { try socket.setsockopt(ZMQ.LINGER, .int(0)) }),
      ("getsockopt", { _ = try socket.getsockopt(ZMQ.LINGER) }),
      ("getsockopt unknown", { _ = try socket.getsockopt(9999) }),
      ("getsockoptInt", { _ = try socket.getsockoptInt(ZMQ.LINGER) }),
      ("getsockoptInt64", { _ = try socket.getsockoptInt64(ZMQ.MAXMSGSIZE) }),
      ("getsockoptString", { _ = try socket.getsockoptString(ZMQ.LAST_ENDPOINT) }),
      ("getsockoptBytes", { _ = try socket.getsockoptBytes(ZMQ.ROUTING_ID) }),
    ]
    for (name, call) in calls {
      do {
        try call()
        Issue.record("\(name) succeeded on a closed socket")
      } catch let error as ZMQError {
        #expect(error == .enotsock, "\(name) threw \(error)")
      }
    }
    try ctx.term()
  }

  @Test func closeKeepsLingerSoQueuedMessagesAreDelivered() throws {
    let ctx = try Context()
    let pull = try makeSocket(ctx, .pull)
    let endpoint = try bindTCP(pull)
    do {
      let push = try ctx.socket(.push)
      try push.set(.linger, 5000)
      try push.connect(endpoint)
      for index in 0..<100 { try push.send(Int32(index)) }
      try push.close()  // right away: the messages are still queued
    }
    for index in 0..<100 {
      #expect(try pull.recvInt() == Int32(index))
    }
    try pull.close()
    try ctx.term()
  }

  @Test func droppedSocketDoesNotHoldUpTerm() throws {
    let ctx = try Context()
    do {
      let push = try ctx.socket(.push)
      #expect(try push.get(.linger) == -1)  // libzmq's default: wait forever
      try push.connect("tcp://127.0.0.1:1")  // nobody listens
      try push.send("never delivered")
    }
    // With the default linger, term() would wait forever for that message.
    expectFinishes(within: 5, "term() after dropping a socket with a queued message") { try ctx.term() }
  }

  @Test(.timeLimit(.minutes(1)))
  func blockedReceiveWakesWithEtermOnShutdown() throws {
    let ctx = try Context()
    let blocked = Flag()
    let receiver = BackgroundThread {
      // Sockets are not Sendable: this one lives on the thread that uses it.
      let socket = try ctx.socket(.pull)
      defer { try? socket.close() }
      try socket.set(.rcvtimeo, 10_000)  // long, but finite: a failure cannot hang
      try socket.bind(uniqueInproc())
      blocked.raise()
      do {
        _ = try socket.recv()
        Issue.record("recv returned a message")
      } catch let error as ZMQError {
        #expect(error == .eterm, "recv threw \(error)")
      }
    }
    #expect(blocked.wait(seconds: 5))
    Thread.sleep(forTimeInterval: 0.2)  // let it block inside zmq_msg_recv
    let start = ContinuousClock.now
    try ctx.shutdown()
    let outcome = receiver.wait(seconds: 5)
    #expect(outcome != nil, "the blocked recv did not wake up")
    #expect(ContinuousClock.now - start < .seconds(5))
    if case .failure(let error)? = outcome { Issue.record(error) }
    try ctx.term()
  }

  @Test(.timeLimit(.minutes(1)))
  func blockedReceiveWakesWithEtermOnTerm() throws {
    let ctx = try Context()
    let blocked = Flag()
    let receiver = BackgroundThread {
      let socket = try ctx.socket(.rep)
      try socket.set(.rcvtimeo, 10_000)
      blocked.raise()
      #expect(throws: ZMQError.eterm) { _ = try socket.recvString() }
      try socket.close()  // lets term() finish
    }
    #expect(blocked.wait(seconds: 5))
    Thread.sleep(forTimeInterval: 0.1)
    try ctx.term()
    let outcome = receiver.wait(seconds: 5)
    #expect(outcome != nil)
    if case .failure(let error)? = outcome { Issue.record(error) }
  }

  @Test func socketsOutliveTheirContextVariable() throws {
    func makeSocket() throws -> Socket {
      let ctx = try Context()
      return try ctx.socket(.pair)
    }
    let a = try makeSocket()
    let b = try a.context.socket(.pair)
    let endpoint = uniqueInproc()
    try a.bind(endpoint)
    try b.connect(endpoint)
    try b.set(.rcvtimeo, 2000)
    try a.send("still alive")
    #expect(try b.recvString() == "still alive")
  }

  @Test func twoHundredContextAndSocketCycles() throws {
    for cycle in 0..<200 {
      let ctx = try Context()
      let (a, b) = try connectedPair(ctx)
      try a.send(Int32(cycle))
      #expect(try b.recvInt() == Int32(cycle))
      try a.close()
      try b.close()
      try ctx.term()
    }
  }

  @Test func twoHundredCyclesWithoutExplicitCleanup() throws {
    // If dropped sockets kept libzmq's default linger (forever), the implicit
    // term() of the first cycle would never return.
    expectFinishes(within: 60, "200 cycles of dropped sockets and contexts") {
      for cycle in 0..<200 {
        let ctx = try Context()
        let (a, b) = try connectedPair(ctx, .push, .pull)
        try a.set(.linger, -1)
        try b.set(.linger, -1)
        try a.send(Int64(cycle))
        try a.send("left in the queue")
        #expect(try b.recvInt64() == Int64(cycle))
        // Dropped here: the sockets linger at most a second, the context terminates.
      }
    }
  }

  @Test func twoHundredSocketsInOneContext() throws {
    let ctx = try Context()
    for _ in 0..<200 {
      let socket = try ctx.socket(.dealer)
      try socket.connect("tcp://127.0.0.1:1")
      try socket.close()
    }
    // Nothing left open (each close unregistered its socket), so term returns.
    try ctx.term()
  }

  @Test func socketLimitIsReportedAsEmfile() throws {
    let ctx = try Context()
    try ctx.set(.maxSockets, 4)
    var sockets: [Socket] = []
    for _ in 0..<4 { sockets.append(try ctx.socket(.pair)) }
    expectZMQError(.emfile) { _ = try ctx.socket(.pair) }
    try ctx.destroy(linger: 0)
    #expect(sockets.allSatisfy { $0.isClosed })
  }
}
