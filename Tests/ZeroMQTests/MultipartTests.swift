import Foundation
import Testing
@testable import ZeroMQ

@Suite struct MultipartTests {
  let ctx: Context
  let a: Socket
  let b: Socket

  init() throws {
    ctx = try Context()
    (a, b) = try connectedPair(ctx)
  }

  @Test func stringParts() throws {
    #expect(try a.sendMultipart(["topic", "", "payload"]) == 12)
    #expect(try b.recvMultipart() == [Array("topic".utf8), [], Array("payload".utf8)])
  }

  @Test func byteArrayAndDataParts() throws {
    try a.sendMultipart([[1, 2], [], [3]] as [[UInt8]])
    #expect(try b.recvMultipart() == [[1, 2], [], [3]])
    try a.sendMultipart([Data([4]), Data([5, 6])])
    #expect(try b.recvMultipart() == [[4], [5, 6]])
    try a.sendMultipart([[7, 8, 9][1...], [10][0...]] as [ArraySlice<UInt8>])
    #expect(try b.recvMultipart() == [[8, 9], [10]])
  }

  @Test func singlePartIsAnOrdinaryMessage() throws {
    try a.sendMultipart(["alone"])
    #expect(try b.recvString() == "alone")
    #expect(!(try b.get(.rcvmore) as Bool))
    try a.send("plain")
    #expect(try b.recvMultipart() == [Array("plain".utf8)])
  }

  @Test func mixedParts() throws {
    let zeroCopy = try Message(noCopy: patternBuffer(3)) { $0.deallocate() }
    let text = "sub-string-part"
    let parts: [any MessagePart] = [
      "text", [1, 2, 3] as [UInt8], Data([4, 5]), try Message("message"),
      text.dropFirst(4).prefix(6), ContiguousArray<UInt8>([6]), zeroCopy,
    ]
    #expect(try a.sendMultipart(parts) == 4 + 3 + 2 + 7 + 6 + 1 + 3)
    #expect(zeroCopy.size == 0)  // Message parts are sent, not copied
    let received = try #require(try b.recvMultipart())
    #expect(
      received == [
        Array("text".utf8), [1, 2, 3], [4, 5], Array("message".utf8), Array("string".utf8), [6], [0, 1, 2],
      ])
    // An inline heterogeneous literal picks the existential overload.
    try a.sendMultipart(["id", [0] as [UInt8], Data("x".utf8)])
    #expect(try b.recvMultipart()?.count == 3)
    try a.send(multipart: ["also", Data()] as [any MessagePart])
    #expect(try b.recvMultipart() == [Array("also".utf8), []])
  }

  @Test func sendMultipartAliasAndLazySequences() throws {
    try a.send(multipart: ["a", "b"])
    #expect(try b.recvMultipart() == [[97], [98]])
    try a.sendMultipart((0..<5).lazy.map { [UInt8($0)] })
    #expect(try b.recvMultipart() == [[0], [1], [2], [3], [4]])
    try a.sendMultipart(AnySequence(["x", "y"] as [any MessagePart]))
    #expect(try b.recvMultipart() == [[120], [121]])
  }

  @Test func emptyMultipartIsRefused() throws {
    #expect(throws: MessageError.emptyMultipart) { try a.sendMultipart([String]()) }
    #expect(throws: MessageError.emptyMultipart) { try a.sendMultipart([any MessagePart]()) }
    #expect(MessageError.emptyMultipart.description == "a multipart message needs at least one part (got none)")
    #expect(try b.recvMultipart(flags: .dontWait) == nil)  // nothing was sent
  }

  @Test func messagesReceivedAsMessages() throws {
    try a.sendMultipart(["one", "two", "three"])
    let parts = try #require(try b.recvMultipartMessages())
    #expect(parts.map(\.string) == ["one", "two", "three"])
    #expect(parts.map(\.more) == [true, true, false])
    // Received messages can be forwarded as they are, without copying.
    try b.sendMultipart(parts)
    #expect(parts.allSatisfy { $0.size == 0 })
    #expect(try a.recvMultipart() == [Array("one".utf8), Array("two".utf8), Array("three".utf8)])
  }

  @Test func largeAndEmptyParts() throws {
    let sizes = [0, 1, 255, 256, 65536, 1 << 20]
    try a.sendMultipart(sizes.map { patternBytes($0) })
    let received = try #require(try b.recvMultipart())
    #expect(received.map(\.count) == sizes)
    #expect(received == sizes.map { patternBytes($0) })
    try a.sendMultipart(sizes.map { patternBytes($0) })
    let messages = try #require(try b.recvMultipartMessages())
    #expect(messages.map(\.bytes) == sizes.map { patternBytes($0) })
  }

  @Test func wouldBlockOnlyForTheFirstPart() throws {
    #expect(try b.recvMultipart(flags: .dontWait) == nil)
    #expect(try b.recvMultipartMessages(flags: .dontWait) == nil)
    try a.sendMultipart(["p1", "p2", "p3"])
    let poller = Poller()
    try poller.add(b, events: .pollIn)
    #expect(try poller.wait(timeout: 2000) != nil)
    #expect(try b.recvMultipart(flags: .dontWait)?.count == 3)
  }

  /// A message is delivered whole: parts sent with `.sndMore` are invisible
  /// to the receiver until the last one is sent.
  @Test func partsAreDeliveredOnlyWithTheLastPart() throws {
    try a.sendMultipart(["head", "body"], flags: .sndMore)  // the message goes on
    #expect(try b.recvMultipart(flags: .dontWait) == nil)
    #expect(try b.recv(flags: .dontWait) == nil)
    try a.send("tail")
    #expect(try b.recvMultipart() == [Array("head".utf8), Array("body".utf8), Array("tail".utf8)])
  }

  @Test func recvMultipartReturnsTheRestOfAPartlyReadMessage() throws {
    try a.sendMultipart(["1", "2", "3"])
    #expect(try b.recvString() == "1")
    #expect(try b.recvMultipart() == [[50], [51]])
    try a.sendMultipart(["x", "y"])
    #expect(try b.recvString() == "x")
    let rest = try #require(try b.recvMultipartMessages())
    #expect(rest.map(\.string) == ["y"])
  }

  @Test func wouldBlockSendQueuesNothing() throws {
    let lonely = try makeSocket(ctx, .push)
    let message = try Message("stays")
    #expect(try lonely.sendMultipart([message, try Message("other")], flags: .dontWait) == nil)
    #expect(message.string == "stays")  // the first part could not be queued: untouched
    #expect(try lonely.sendMultipart(["a", "b"], flags: .dontWait) == nil)
    // Once a peer connects, nothing of the refused messages arrives.
    let pull = try makeSocket(ctx, .pull)
    let endpoint = uniqueInproc()
    try pull.bind(endpoint)
    try lonely.connect(endpoint)
    try lonely.sendMultipart(["fresh", "message"])
    #expect(try pull.recvMultipart() == [Array("fresh".utf8), Array("message".utf8)])
    #expect(try pull.recv(flags: .dontWait) == nil)
  }

  @Test func routerDealerEnvelopes() throws {
    let router = try makeSocket(ctx, .router)
    let dealer = try makeSocket(ctx, .dealer)
    try dealer.set(.routingId, "worker-1")
    let endpoint = uniqueInproc()
    try router.bind(endpoint)
    try dealer.connect(endpoint)

    try dealer.sendMultipart(["", "hello"])
    let request = try #require(try router.recvMultipart())
    #expect(request == [Array("worker-1".utf8), [], Array("hello".utf8)])

    // Reply by echoing the envelope: the routing id steers the message.
    try router.sendMultipart([request[0], [], Array("world".utf8)])
    #expect(try dealer.recvMultipart() == [[], Array("world".utf8)])

    // The same with Message parts, forwarding the envelope without copies.
    try dealer.sendMultipart(["", "again"])
    let frames = try #require(try router.recvMultipartMessages())
    #expect(frames.count == 3)
    let reply: [any MessagePart] = [frames[0], frames[1], "ok"]
    try router.sendMultipart(reply)
    #expect(try dealer.recvMultipart() == [[], Array("ok".utf8)])
  }

  @Test func routerReqEnvelopes() throws {
    let router = try makeSocket(ctx, .router)
    let req = try makeSocket(ctx, .req)
    let endpoint = uniqueInproc()
    try router.bind(endpoint)
    try req.connect(endpoint)
    try req.send("question")
    let envelope = try #require(try router.recvMultipart())
    #expect(envelope.count == 3)
    #expect(envelope[0].count == 5 && envelope[0][0] == 0)  // a generated routing id
    #expect(envelope[1] == [] && envelope[2] == Array("question".utf8))
    try router.sendMultipart([envelope[0], [], Array("answer".utf8)])
    #expect(try req.recvString() == "answer")
  }

  @Test func multipartOverTCP() throws {
    let server = try makeSocket(ctx, .pull)
    let client = try makeSocket(ctx, .push)
    try client.connect(try bindTCP(server))
    let parts: [any MessagePart] = ["key", patternBytes(70_000), try Message([1]), Data()]
    #expect(try client.sendMultipart(parts) == 3 + 70_000 + 1)
    let received = try #require(try server.recvMultipartMessages())
    #expect(received.map(\.size) == [3, 70_000, 1, 0])
    #expect(received[1].bytes == patternBytes(70_000))
    #expect(received.allSatisfy { $0.metadata(.socketType) == "PUSH" })
  }

  @Test func misuse() throws {
    let pull = try makeSocket(ctx, .pull)
    expectZMQError(.enotsup) { _ = try pull.sendMultipart(["a", "b"]) }
    let push = try makeSocket(ctx, .push)
    expectZMQError(.enotsup) { _ = try push.recvMultipart() }
    expectZMQError(.enotsup) { _ = try push.recvMultipartMessages() }
    let req = try makeSocket(ctx, .req)
    expectZMQError(.efsm) { _ = try req.recvMultipart() }

    try a.close()
    try b.close()
    let message = try Message("intact")
    expectZMQError(.enotsock) { _ = try a.sendMultipart([message]) }
    #expect(message.string == "intact")
    expectZMQError(.enotsock) { _ = try a.send(multipart: ["x"]) }
    expectZMQError(.enotsock) { _ = try b.recvMultipart() }
    expectZMQError(.enotsock) { _ = try b.recvMultipartMessages(flags: .dontWait) }
  }

  @Test func timeoutsApplyToTheFirstPart() throws {
    let pull = try makeSocket(ctx, .pull, timeout: 20)
    expectZMQError(.eagain) { _ = try pull.recvMultipart() }
    expectZMQError(.eagain) { _ = try pull.recvMultipartMessages() }
    let push = try makeSocket(ctx, .push, timeout: 20)
    expectZMQError(.eagain) { _ = try push.sendMultipart(["a", "b"]) }
  }

  @Test func contextShutdownEndsAWaitingMultipartReceive() throws {
    let context = try Context()
    let started = Flag()
    let worker = BackgroundThread {
      let pull = try makeSocket(context, .pull, timeout: -1)
      started.raise()
      do {
        _ = try pull.recvMultipart()
        Issue.record("received a message from nowhere")
      } catch let error as ZMQError {
        #expect(error == .eterm)
      }
      try pull.close()
    }
    #expect(started.wait(seconds: 5))
    Thread.sleep(forTimeInterval: 0.05)
    try context.shutdown()
    switch worker.wait(seconds: 5) {
    case nil: Issue.record("the receive did not end")
    case .failure(let error)?: Issue.record(error)
    case .success?: break
    }
    try context.term()
  }
}
