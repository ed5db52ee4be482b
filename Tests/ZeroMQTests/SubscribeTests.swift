import Foundation
import Testing
@testable import ZeroMQ

@Suite("subscribe and bindToRandomPort") struct SubscribeTests {
  /// Sends `message` on `pub` until `sub` gets it (subscriptions travel
  /// asynchronously), then drains the extra copies.
  func expectArrival(
    _ pub: Socket, _ sub: Socket, _ message: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    var arrived: [UInt8]?
    for _ in 0..<200 where arrived == nil {
      try pub.send(message)
      arrived = try sub.recv(flags: .dontWait)
      if arrived == nil { Thread.sleep(forTimeInterval: 0.01) }
    }
    #expect(arrived == message, sourceLocation: sourceLocation)
    Thread.sleep(forTimeInterval: 0.02)
    while let extra = try sub.recv(flags: .dontWait) { #expect(extra == message, sourceLocation: sourceLocation) }
  }

  @Test func subOnlyGetsSubscribedTopics() throws {
    let ctx = try Context()
    let pub = try makeSocket(ctx, .pub), sub = try makeSocket(ctx, .sub)
    let endpoint = uniqueInproc()
    try pub.bind(endpoint)
    try sub.connect(endpoint)
    try sub.subscribe("weather.")
    try expectArrival(pub, sub, Array("weather.rain".utf8))
    try pub.send("sports.goal")
    try pub.send("weather.sun")
    #expect(try sub.recvString() == "weather.sun")
    try sub.subscribe([0x01, 0x02])
    try expectArrival(pub, sub, [0x01, 0x02, 0x09])
    try sub.subscribe(Data([0x03]))
    try expectArrival(pub, sub, [0x03])
    try sub.unsubscribe("weather.")
    try sub.unsubscribe([0x01, 0x02])
    try sub.unsubscribe(Data([0x03]))
    // Unsubscribing travels like subscribing: once a marker topic that is
    // still subscribed arrives, the others are gone.
    try sub.subscribe("marker")
    try expectArrival(pub, sub, Array("marker".utf8))
    try pub.send("weather.fog")
    try pub.send([0x01, 0x02])
    try pub.send([0x03])
    try sub.set(.rcvtimeo, 100)
    expectNothingArrives(sub)
  }

  @Test func emptyTopicSubscribesToEverything() throws {
    let ctx = try Context()
    let pub = try makeSocket(ctx, .pub), sub = try makeSocket(ctx, .sub)
    let endpoint = uniqueInproc()
    try pub.bind(endpoint)
    try sub.connect(endpoint)
    try sub.subscribe()
    try expectArrival(pub, sub, Array("anything".utf8))
  }

  @Test func xsubSendsTheSubscriptionUpstream() throws {
    let ctx = try Context()
    let xpub = try makeSocket(ctx, .xpub), xsub = try makeSocket(ctx, .xsub)
    let endpoint = uniqueInproc()
    try xpub.bind(endpoint)
    try xsub.connect(endpoint)
    try xsub.subscribe("t")
    #expect(try xpub.recv() == [1, 116])
    try xsub.unsubscribe([116])
    #expect(try xpub.recv() == [0, 116])
  }

  @Test func otherSocketTypesThrowAClearError() throws {
    let ctx = try Context()
    let push = try ctx.socket(.push)
    let error = try #require(throws: SocketTypeMismatchError.self) { try push.subscribe("x") }
    #expect(error.socketType == .push)
    #expect(error.description == "subscribe(_:) needs a SUB or XSUB socket, not a PUSH socket")
    #expect(throws: SocketTypeMismatchError.self) { try push.unsubscribe(Data()) }
    try push.close()
    #expect(throws: ZMQError.enotsock) { try push.subscribe("x") }
  }

  @Test func bindToRandomPortReturnsAWorkingPort() throws {
    let ctx = try Context()
    let pull = try makeSocket(ctx, .pull)
    let port = try pull.bindToRandomPort("tcp://127.0.0.1")
    #expect((49152...65535).contains(port))
    let endpoint: String = try pull.get(.lastEndpoint)
    #expect(endpoint == "tcp://127.0.0.1:\(port)")
    let push = try makeSocket(ctx, .push)
    try push.connect("tcp://127.0.0.1:\(port)")
    try push.send("through a random port")
    #expect(try pull.recvString() == "through a random port")
  }

  @Test func takenPortsAreSkippedAndAFullRangeIsReported() throws {
    let ctx = try Context()
    let first = try makeSocket(ctx, .pull)
    let taken = try first.bindToRandomPort("tcp://127.0.0.1")
    let second = try makeSocket(ctx, .pull)
    let error = try #require(throws: RandomPortError.self) {
      try second.bindToRandomPort("tcp://127.0.0.1", in: taken...taken, maxTries: 5)
    }
    #expect(error == .noFreePort(address: "tcp://127.0.0.1", range: taken...taken, tries: 1))
    #expect(error.description == "no free port for tcp://127.0.0.1 in \(taken)...\(taken) after 1 tries")
    // With the taken port and free ones in range, a free one is found.
    let lower = taken > 49152 ? taken - 1 : taken
    let upper = lower == taken ? taken + 1 : taken
    let other = try second.bindToRandomPort("tcp://127.0.0.1", in: lower...upper, maxTries: 2)
    #expect(other != taken)
  }

  @Test func malformedArguments() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pull)
    for address in ["127.0.0.1", "tcp://", "tcp://127.0.0.1:5555", "tcp://127.0.0.1:", "ipc://x", "tcp://[::1]:80"] {
      #expect(throws: RandomPortError.invalidAddress(address)) { try socket.bindToRandomPort(address) }
    }
    #expect(throws: RandomPortError.invalidRange(0...10, maxTries: 1)) {
      try socket.bindToRandomPort("tcp://127.0.0.1", in: 0...10, maxTries: 1)
    }
    #expect(throws: RandomPortError.invalidRange(60000...70000, maxTries: 3)) {
      try socket.bindToRandomPort("tcp://127.0.0.1", in: 60000...70000, maxTries: 3)
    }
    #expect(throws: RandomPortError.invalidRange(60000...60001, maxTries: 0)) {
      try socket.bindToRandomPort("tcp://127.0.0.1", in: 60000...60001, maxTries: 0)
    }
    // Errors other than a taken port are thrown at once.
    #expect(throws: ZMQError.self) { try socket.bindToRandomPort("tcp://no-such-interface-xyz") }
    try socket.close()
    #expect(throws: ZMQError.enotsock) { try socket.bindToRandomPort("tcp://127.0.0.1") }
  }
}
