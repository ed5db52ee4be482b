import Foundation
import Testing
import ZeroMQ

// Every socket pattern with the Swift binding on one side and pyzmq on the
// other, both directions. The Python side checks byte for byte what it
// receives against what the test says (`--expect`); the Swift side checks
// what pyzmq sent.

@Suite("Interop with pyzmq: the environment")
struct PyzmqEnvironmentTests {
  @Test("/usr/bin/python3 imports pyzmq (python3-zmq) on the same libzmq")
  func pyzmqIsInstalled() throws {
    let versions = try #require(
      Pyzmq.versions, "the interop suite needs /usr/bin/python3 with pyzmq: apt-get install python3-zmq")
    let libzmq = versions.split(separator: " ").last.map(String.init)
    #expect(libzmq == ZMQ.version().map(String.init).joined(separator: "."), "pyzmq \(versions)")
  }
}

@Suite("Interop with pyzmq: REQ/REP", needsPyzmq, .timeLimit(.minutes(1)))
struct ReqRepInteropTests {
  @Test("Swift REQ → pyzmq REP")
  func swiftReqPythonRep() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let requests: [Parts] = [[b("hello")], [b("multi"), [], b("part"), [0, 0xff]]]
    let replies: [Parts] = [[b("world")], [b("ok"), []]]
    let peer = try PythonPeer("rep", ["--bind", "--expect", json(requests), "--send", json(replies)])
    peer.run {
      let req = try socket(ctx, .req)
      try req.connect(try peer.endpoint())
      for (request, reply) in zip(requests, replies) {
        try sendParts(req, request)
        let got = try recvParts(req)
        #expect(got == reply, "\(show(got))")
      }
    }
  }

  @Test("pyzmq REQ → Swift REP")
  func pythonReqSwiftRep() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let rep = try socket(ctx, .rep)
    let endpoint = try bindLoopback(rep)
    let requests: [Parts] = [[b("ping 1")], [b("ping 2"), [], b("tail")]]
    let replies: [Parts] = [[b("pong 1")], [[], b("pong 2")]]
    let peer = try PythonPeer("req", ["--connect", endpoint, "--send", json(requests), "--expect", json(replies)])
    peer.run {
      for (request, reply) in zip(requests, replies) {
        let got = try recvParts(rep)
        #expect(got == request, "\(show(got))")
        try sendParts(rep, reply)
      }
    }
  }
}

@Suite("Interop with pyzmq: PUSH/PULL", needsPyzmq, .timeLimit(.minutes(1)))
struct PushPullInteropTests {
  static let messages: [Parts] = [
    [b("one")],
    [[]],
    [Array(0...255)],
    [b("two"), b("parts")],
    [pattern(1 << 20)],  // 1 MiB
    [b("last")],
  ]

  @Test("Swift PUSH → pyzmq PULL")
  func swiftPushPythonPull() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let push = try socket(ctx, .push)
    let endpoint = try bindLoopback(push)
    let peer = try PythonPeer("pull", ["--connect", endpoint, "--expect", json(Self.messages)])
    peer.run {
      _ = try peer.endpoint()
      for message in Self.messages { try sendParts(push, message) }
    }
  }

  @Test("pyzmq PUSH → Swift PULL")
  func pythonPushSwiftPull() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer("push", ["--bind", "--send", json(Self.messages)])
    peer.run {
      let pull = try socket(ctx, .pull)
      try pull.connect(try peer.endpoint())
      for (index, message) in Self.messages.enumerated() {
        let got = try recvParts(pull)
        #expect(got == message, "message \(index): \(show(got))")
      }
    }
  }
}

@Suite("Interop with pyzmq: PUB/SUB with topic filters", needsPyzmq, .timeLimit(.minutes(1)))
struct PubSubInteropTests {
  // Published in this order; a subscriber to "weather." and the binary
  // topic ff 00 must get exactly the `matching` ones.
  static let published: [Parts] = [
    [b("weather.paris"), b("12C")],
    [b("sports.football"), b("1-0")],
    [b("weatherman")],  // "weather" without the dot: no match
    [[0xff, 0x00, 0x41], b("binary topic")],
    [b("weather.oslo"), b("-3C"), []],
    [[0xff, 0x01, 0x41], b("other binary topic")],
    [b("WEATHER.caps")],
    [b("weather.")],  // exactly the topic
  ]
  static let matching: [Parts] = [published[0], published[3], published[4], published[7]]

  @Test("pyzmq PUB → Swift SUB: only the subscribed topics arrive")
  func pythonPubSwiftSub() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer("pub", ["--bind", "--send", json(Self.published)])
    peer.run {
      let sub = try socket(ctx, .sub)
      try sub.set(.subscribe, "weather.")
      try sub.set(.subscribe, [0xff, 0x00] as [UInt8])
      try sub.set(.subscribe, "ctl.")  // the sentinels, last: once they flow, so do the others
      try sub.connect(try peer.endpoint())
      // Slow joiner: pyzmq publishes "ctl.warmup" until we say GO.
      let first = try recvParts(sub)
      #expect(first == [b("ctl.warmup")], "\(show(first))")
      peer.write("GO")
      var got: [Parts] = []
      while true {
        let message = try recvParts(sub)
        if message == [b("ctl.warmup")] { continue }
        if message == [b("ctl.end")] { break }
        got.append(message)
      }
      #expect(got == Self.matching, "\(got.map(show))")
    }
  }

  @Test("Swift PUB → pyzmq SUB: only the subscribed topics arrive")
  func swiftPubPythonSub() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let pub = try socket(ctx, .pub)
    let endpoint = try bindLoopback(pub)
    let peer = try PythonPeer(
      "sub",
      [
        "--connect", endpoint, "--subscribe", hex(b("weather.")), "--subscribe", "ff00",
        "--expect", json(Self.matching),
      ])
    peer.run {
      _ = try peer.endpoint()
      // Slow joiner: publish the sentinel until pyzmq has seen one.
      let limit = ContinuousClock.now + .seconds(5)
      repeat {
        try pub.send("ctl.warmup")
        guard ContinuousClock.now < limit else { throw PeerError(description: "no warm-up reached pyzmq in 5 s") }
      } while try peer.line("WARM", within: .milliseconds(20)) == nil
      for message in Self.published { try sendParts(pub, message) }
      try pub.send("ctl.end")
    }
  }
}

@Suite("Interop with pyzmq: XPUB/XSUB", needsPyzmq, .timeLimit(.minutes(1)))
struct XPubXSubInteropTests {
  static let published: [Parts] = [
    [b("weather.x"), b("sunny")],
    [b("sports.y"), b("2-2")],
    [b("weatherman")],
    [b("weather.z"), []],
  ]
  static let matching: [Parts] = [published[0], published[3]]
  static let subscribeWeather: [UInt8] = [0x01] + b("weather.")
  static let subscribeSentinels: [UInt8] = [0x01] + b("ctl.")
  static let unsubscribeWeather: [UInt8] = [0x00] + b("weather.")

  /// Receives publications until the END sentinel.
  static func collect(_ socket: Socket) throws -> [Parts] {
    var got: [Parts] = []
    while true {
      let message = try recvParts(socket)
      if message == [b("ctl.end")] { return got }
      got.append(message)
    }
  }

  @Test("Swift XSUB → pyzmq XPUB: subscriptions are \\x01topic, unsubscriptions \\x00topic")
  func swiftXsubPythonXpub() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer(
      "xpub",
      [
        "--bind", "--expect", json([[Self.subscribeWeather], [Self.subscribeSentinels]]),
        "--send", json(Self.published), "--expect-after", json([[Self.unsubscribeWeather]]),
      ])
    peer.run {
      let xsub = try socket(ctx, .xsub)
      try xsub.connect(try peer.endpoint())
      try xsub.send(Self.subscribeWeather)
      try xsub.send(Self.subscribeSentinels)
      let got = try Self.collect(xsub)
      #expect(got == Self.matching, "\(got.map(show))")
      try xsub.send(Self.unsubscribeWeather)
      try xsub.close()  // with its linger: the unsubscription still goes out
    }
  }

  @Test("Swift SUB → pyzmq XPUB: .subscribe/.unsubscribe reach the wire as \\x01topic/\\x00topic")
  func swiftSubPythonXpub() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer(
      "xpub",
      [
        "--bind", "--expect", json([[Self.subscribeWeather], [Self.subscribeSentinels]]),
        "--send", json(Self.published), "--expect-after", json([[Self.unsubscribeWeather]]),
      ])
    peer.run {
      let sub = try socket(ctx, .sub)
      try sub.connect(try peer.endpoint())
      try sub.set(.subscribe, "weather.")
      try sub.set(.subscribe, "ctl.")
      let got = try Self.collect(sub)
      #expect(got == Self.matching, "\(got.map(show))")
      try sub.set(.unsubscribe, "weather.")
      try sub.close()  // with its linger: the unsubscription still goes out
    }
  }

  @Test("pyzmq XSUB → Swift XPUB: Swift sees \\x01topic and \\x00topic")
  func pythonXsubSwiftXpub() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let xpub = try socket(ctx, .xpub)
    let endpoint = try bindLoopback(xpub)
    let peer = try PythonPeer(
      "xsub",
      [
        "--connect", endpoint, "--send", json([[Self.subscribeWeather], [Self.subscribeSentinels]]),
        "--expect", json(Self.matching), "--send-after", json([[Self.unsubscribeWeather]]),
      ])
    peer.run {
      #expect(try recvParts(xpub) == [Self.subscribeWeather])
      #expect(try recvParts(xpub) == [Self.subscribeSentinels])
      for message in Self.published { try sendParts(xpub, message) }
      try xpub.send("ctl.end")
      #expect(try recvParts(xpub) == [Self.unsubscribeWeather])
    }
  }

  @Test("pyzmq SUB → Swift XPUB: pyzmq's SUBSCRIBE arrives as \\x01topic")
  func pythonSubSwiftXpub() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let xpub = try socket(ctx, .xpub)
    let endpoint = try bindLoopback(xpub)
    let peer = try PythonPeer(
      "sub", ["--connect", endpoint, "--subscribe", hex(b("weather.")), "--expect", json(Self.matching)])
    peer.run {
      // Once XPUB has read a subscription, publications match it: no warm-up.
      #expect(try recvParts(xpub) == [Self.subscribeWeather])
      #expect(try recvParts(xpub) == [Self.subscribeSentinels])
      for message in Self.published { try sendParts(xpub, message) }
      try xpub.send("ctl.end")
    }
  }
}

@Suite("Interop with pyzmq: DEALER/ROUTER envelopes", needsPyzmq, .timeLimit(.minutes(1)))
struct DealerRouterInteropTests {
  @Test("Swift DEALER (routing id) → pyzmq ROUTER: [id, '', body] and back")
  func swiftDealerPythonRouter() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let identity = b("swift-dealer")
    let requests: [Parts] = [[[], b("request 1")], [[], b("request 2"), b("part 2")]]
    let replies: [Parts] = [[[], b("reply 1")], [[], b("reply 2"), []]]
    let peer = try PythonPeer(
      "router",
      ["--bind", "--peer-id", hex(identity), "--expect", json(requests), "--send", json(replies)])
    peer.run {
      let dealer = try socket(ctx, .dealer)
      try dealer.set(.routingId, identity)
      try dealer.connect(try peer.endpoint())
      for (request, reply) in zip(requests, replies) {
        try sendParts(dealer, request)
        let got = try recvParts(dealer)
        #expect(got == reply, "\(show(got))")
      }
    }
  }

  @Test("Swift REQ (binary routing id) → pyzmq ROUTER: REQ adds the empty delimiter")
  func swiftReqPythonRouter() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let identity: [UInt8] = [0x01, 0x02, 0xff, 0x00, 0x7f]
    let peer = try PythonPeer(
      "router",
      [
        "--bind", "--peer-id", hex(identity), "--expect", json([[[], b("hello")]]),
        "--send", json([[[], b("world")]]),
      ])
    peer.run {
      let req = try socket(ctx, .req)
      try req.set(.routingId, identity)
      try req.connect(try peer.endpoint())
      try req.send("hello")
      let got = try recvParts(req)
      #expect(got == [b("world")], "REQ strips the delimiter: \(show(got))")
    }
  }

  @Test("pyzmq DEALER (routing id) → Swift ROUTER: Swift sees [id, '', body] and routes back")
  func pythonDealerSwiftRouter() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let router = try socket(ctx, .router)
    try router.set(.routerMandatory, true)  // a wrong id throws instead of vanishing
    let endpoint = try bindLoopback(router)
    let identity = b("py-dealer")
    let peer = try PythonPeer(
      "dealer",
      [
        "--connect", endpoint, "--identity", hex(identity),
        "--send", json([[[], b("ping")], [b("no delimiter")]]),
        "--expect", json([[[], b("pong")], [b("still no delimiter"), []]]),
      ])
    peer.run {
      var got = try recvParts(router)
      #expect(got == [identity, [], b("ping")], "\(show(got))")
      try sendParts(router, [identity, [], b("pong")])
      got = try recvParts(router)
      #expect(got == [identity, b("no delimiter")], "\(show(got))")
      try sendParts(router, [identity, b("still no delimiter"), []])
    }
  }

  @Test("pyzmq REQ → Swift ROUTER: the envelope is [generated id, '', body]")
  func pythonReqSwiftRouter() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let router = try socket(ctx, .router)
    try router.set(.routerMandatory, true)
    let endpoint = try bindLoopback(router)
    let peer = try PythonPeer(
      "req",
      [
        "--connect", endpoint, "--send", json([[b("hi")], [b("again")]]), "--expect",
        json([[b("ho")], [b("ho again")]]),
      ])
    peer.run {
      let first = try recvParts(router)
      try #require(first.count == 3, "\(show(first))")
      let identity = first[0]
      #expect(!identity.isEmpty)
      #expect(first[1] == [] && first[2] == b("hi"), "\(show(first))")
      try sendParts(router, [identity, [], b("ho")])
      let second = try recvParts(router)
      #expect(second == [identity, [], b("again")], "the same generated id: \(show(second))")
      try sendParts(router, [identity, [], b("ho again")])
    }
  }
}

@Suite("Interop with pyzmq: PAIR", needsPyzmq, .timeLimit(.minutes(1)))
struct PairInteropTests {
  @Test("Swift PAIR ⇄ pyzmq PAIR, both directions")
  func pairBothWays() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let pair = try socket(ctx, .pair)
    let endpoint = try bindLoopback(pair)
    let toPython: [Parts] = [[b("to python")], [b("two"), b("parts")], [[]]]
    let toSwift: [Parts] = [[b("to swift")], [[], b("x")]]
    let peer = try PythonPeer("pair", ["--connect", endpoint, "--expect", json(toPython), "--send", json(toSwift)])
    peer.run {
      _ = try peer.endpoint()
      for message in toPython { try sendParts(pair, message) }
      for message in toSwift {
        let got = try recvParts(pair)
        #expect(got == message, "\(show(got))")
      }
    }
  }

  @Test("pyzmq PAIR binds, Swift PAIR connects")
  func pairPythonBinds() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer("pair", ["--bind", "--expect", json([[b("hi")]]), "--send", json([[b("hi yourself")]])])
    peer.run {
      let pair = try socket(ctx, .pair)
      try pair.connect(try peer.endpoint())
      try pair.send("hi")
      #expect(try pair.recvString() == "hi yourself")
    }
  }
}
