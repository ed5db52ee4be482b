import Foundation
import Testing
@testable import ZeroMQ

@Suite struct SocketSendReceiveTests {
  let ctx: Context
  let a: Socket
  let b: Socket

  init() throws {
    ctx = try Context()
    (a, b) = try connectedPair(ctx)
  }

  // MARK: Encodings of send(value), as the JavaScript module defines them

  @Test func emptyMessage() throws {
    #expect(try a.send() == 0)
    #expect(try b.recv() == [])
    try a.send(flags: [])
    #expect(try b.recvString() == "")
  }

  @Test func int32IsFourBytesLittleEndian() throws {
    #expect(try a.send(Int32(10)) == 4)
    #expect(try b.recv() == [10, 0, 0, 0])
    try a.send(Int32(-2))
    #expect(try b.recv() == [0xFE, 0xFF, 0xFF, 0xFF])
    try a.send(Int32(0x0102_0304))
    #expect(try b.recvInt() == 0x0102_0304)
    try a.send(Int32.min)
    #expect(try b.recvInt() == Int32.min)
  }

  @Test func boolIsAFourByteIntegerOneOrZero() throws {
    #expect(try a.send(true) == 4)
    #expect(try b.recv() == [1, 0, 0, 0])
    try a.send(false)
    #expect(try b.recv() == [0, 0, 0, 0])
    try a.send(true)
    #expect(try b.recvInt() == 1)
  }

  @Test func int64IsEightBytesLittleEndian() throws {
    #expect(try a.send(Int64(10)) == 8)
    #expect(try b.recv() == [10, 0, 0, 0, 0, 0, 0, 0])
    try a.send(Int64(0x0102_0304_0506_0708))
    #expect(try b.recv() == [8, 7, 6, 5, 4, 3, 2, 1])
    try a.send(Int64.min)
    #expect(try b.recvInt64() == Int64.min)
    try a.send(Int64(-1))
    #expect(try b.recvInt64() == -1)
  }

  @Test func stringIsUTF8WithoutNUL() throws {
    #expect(try a.send("text") == 4)
    #expect(try b.recv() == Array("text".utf8))
    let unicode = "Grüße, 世界 🌍"
    #expect(try a.send(unicode) == unicode.utf8.count)
    #expect(try b.recvString() == unicode)
    let long = String(repeating: "long string ", count: 1000)  // a native, non-small string
    try a.send(long)
    #expect(try b.recvString() == long)
  }

  @Test func bytesDataAndRawBuffers() throws {
    #expect(try a.send([1, 2, 3] as [UInt8], flags: .dontWait) == 3)
    #expect(try b.recvBytes() == [1, 2, 3])
    #expect(try a.send(Data([4, 5])) == 2)
    #expect(try b.recv(flags: []) == [4, 5])
    let storage: [UInt8] = [6, 7, 8, 9]
    let sent = try storage.withUnsafeBytes { buffer throws -> Int? in try a.send(buffer) }
    #expect(sent == 4)
    #expect(try b.recv() == [6, 7, 8, 9])
    #expect(try a.send(storage[1...]) == 3)  // ArraySlice, through ContiguousBytes
    #expect(try b.recv() == [7, 8, 9])
    #expect(try a.send(ContiguousArray<UInt8>([10])) == 1)
    #expect(try b.recv() == [10])
    #expect(try a.send(Data()) == 0)
    #expect(try b.recv() == [])
    #expect(try a.send([UInt8]()) == 0)
    #expect(try b.recv() == [])
  }

  @Test func dataSliceWithNonZeroStartIndexSendsOnlyItsBytes() throws {
    let data = Data([0, 1, 2, 3, 4])
    try a.send(data[2...])
    #expect(try b.recv() == [2, 3, 4])
  }

  @Test(arguments: [0, 1, 29, 30, 255, 256, 64 * 1024, 1 << 20, 10 << 20])
  func messagesOfAnySizeArriveWhole(size: Int) throws {
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    #expect(try a.send(payload) == size)
    let received = try #require(try b.recv())
    #expect(received.count == size)
    #expect(received == payload)
  }

  @Test func longStringsArriveWhole() throws {
    let text = String(repeating: "0123456789", count: 100_000)
    try a.send(text)
    #expect(try b.recvString() == text)
  }

  // MARK: Multipart

  @Test func multipartWithSndMoreAndRcvmore() throws {
    try a.send("m", flags: .sndMore)
    try a.send(Int32(7), flags: .sndMore)
    try a.send("n")
    #expect(try b.recvString() == "m")
    #expect(try b.get(.rcvmore) == true)
    #expect(try b.recvInt() == 7)
    #expect(try b.get(.rcvmore) == true)
    #expect(try b.recvString() == "n")
    #expect(try b.get(.rcvmore) == false)
  }

  @Test func dontWaitAndSndMoreCombine() throws {
    #expect(try a.send("x", flags: [.dontWait, .sndMore]) == 1)
    #expect(try a.send("y", flags: .dontWait) == 1)
    #expect(try b.recvString(flags: .dontWait) == "x")
    #expect(try b.recvString(flags: .dontWait) == "y")
  }

  // MARK: recvInt / recvInt64 sizes

  @Test func recvIntRejectsOtherSizesNamingBoth() throws {
    try a.send([1, 2, 3] as [UInt8])
    #expect(throws: MessageSizeError(expected: 4, received: 3)) { _ = try b.recvInt() }
    try a.send(Int64(1))
    do {
      _ = try b.recvInt()
      Issue.record("an 8-byte message was accepted as Int32")
    } catch let error as MessageSizeError {
      #expect(error.expected == 4 && error.received == 8)
      #expect(error.description.contains("4") && error.description.contains("8"))
    }
    try a.send()
    #expect(throws: MessageSizeError(expected: 4, received: 0)) { _ = try b.recvInt() }
    // The bad message was consumed; the next one decodes.
    try a.send(Int32(5))
    #expect(try b.recvInt() == 5)
  }

  @Test func recvInt64RejectsOtherSizesNamingBoth() throws {
    try a.send(Int32(1))
    #expect(throws: MessageSizeError(expected: 8, received: 4)) { _ = try b.recvInt64() }
    try a.send([UInt8](repeating: 0, count: 9))
    do {
      _ = try b.recvInt64()
      Issue.record("a 9-byte message was accepted as Int64")
    } catch let error as MessageSizeError {
      #expect(error.description == "expected a 8-byte message, received 9 bytes")
    }
    try a.send(Int64(5))
    #expect(try b.recvInt64() == 5)
  }

  // MARK: recvString: NULs and invalid UTF-8

  @Test func recvStringDropsALoneTrailingNUL() throws {
    try a.send([0x61, 0x62, 0x63, 0] as [UInt8])
    #expect(try b.recvString() == "abc")
    try a.send([0] as [UInt8])
    #expect(try b.recvString() == "")
  }

  @Test func recvStringKeepsNULsWhenThereIsMoreThanOne() throws {
    try a.send([0x61, 0, 0x62, 0] as [UInt8])
    #expect(try b.recvString() == "a\0b\0")
    try a.send([0, 0] as [UInt8])
    #expect(try b.recvString() == "\0\0")
  }

  @Test func recvStringKeepsEmbeddedNULs() throws {
    try a.send("a\0b")
    #expect(try b.recvString() == "a\0b")
    try a.send("a\0b")
    #expect(try b.recv() == [0x61, 0, 0x62])
    try a.send("\0x")
    #expect(try b.recvString() == "\0x")
  }

  @Test func recvStringReplacesInvalidUTF8() throws {
    try a.send([0x61, 0xFF, 0x62] as [UInt8])
    #expect(try b.recvString() == "a\u{FFFD}b")
    try a.send([0xE2, 0x82] as [UInt8])  // truncated sequence
    #expect(try b.recvString() == "\u{FFFD}")
    try a.send([0xC3, 0xA9, 0] as [UInt8])  // valid "é" plus C terminator
    #expect(try b.recvString() == "é")
  }

  // MARK: Would-block, timeouts and pattern errors

  @Test func receiveWithDontWaitOnAnEmptyQueueIsNil() throws {
    #expect(try b.recv(flags: .dontWait) == nil)
    #expect(try b.recvBytes(flags: .dontWait) == nil)
    #expect(try b.recvInt(flags: .dontWait) == nil)
    #expect(try b.recvInt64(flags: .dontWait) == nil)
    #expect(try b.recvString(flags: .dontWait) == nil)
    try a.send("now")
    #expect(try b.recvString(flags: .dontWait) == "now")
  }

  @Test func sendWithDontWaitThatWouldBlockIsNil() throws {
    let push = try makeSocket(ctx, .push)
    // No peer: a PUSH socket has nowhere to queue the message.
    #expect(try push.send("x", flags: .dontWait) == nil)
    #expect(try push.send(flags: .dontWait) == nil)
    #expect(try push.send(Int32(1), flags: .dontWait) == nil)
    #expect(try push.send(Int64(1), flags: .dontWait) == nil)
    #expect(try push.send(true, flags: .dontWait) == nil)
    #expect(try push.send([1] as [UInt8], flags: .dontWait) == nil)
    #expect(try push.send(Data([1]), flags: .dontWait) == nil)
  }

  @Test func sendWithDontWaitReturnsNilWhenTheHighWaterMarkIsReached() throws {
    let (sender, receiver) = try connectedPair(ctx, .push, .pull)
    try sender.set(.sndhwm, 1)
    try receiver.set(.rcvhwm, 1)
    var sent = 0
    while try sender.send(Int32(sent), flags: .dontWait) != nil {
      sent += 1
      if sent > 10_000 { break }
    }
    #expect(sent > 0 && sent <= 10_000)
    #expect(try receiver.recvInt() == 0)
  }

  @Test func blockingReceiveTimesOutWithEagain() throws {
    try b.set(.rcvtimeo, 50)
    expectZMQError(.eagain) { _ = try b.recv() }
    expectZMQError(.eagain) { _ = try b.recvString() }
  }

  @Test func blockingSendTimesOutWithEagain() throws {
    let push = try makeSocket(ctx, .push, timeout: 50)
    expectZMQError(.eagain) { try push.send("x") }
  }

  @Test func reqStateMachineErrorsAreEfsm() throws {
    let (rep, req) = try connectedPair(ctx, .rep, .req)
    expectZMQError(.efsm) { _ = try req.recv() }
    try req.send("ping")
    expectZMQError(.efsm) { try req.send("again") }
    expectZMQError(.efsm) { try rep.send("too early") }
    #expect(try rep.recvString() == "ping")
    try rep.send("pong")
    #expect(try req.recvString() == "pong")
    try req.send("ping 2")
  }

  @Test func sendOnReceiveOnlyAndReceiveOnSendOnlyAreEnotsup() throws {
    let sub = try makeSocket(ctx, .sub)
    let pub = try makeSocket(ctx, .pub)
    let pull = try makeSocket(ctx, .pull)
    let push = try makeSocket(ctx, .push)
    expectZMQError(.enotsup) { try sub.send("x") }
    expectZMQError(.enotsup) { try pull.send("x") }
    expectZMQError(.enotsup) { _ = try pub.recv() }
    expectZMQError(.enotsup) { _ = try push.recv(flags: .dontWait) }
  }

  // MARK: Transports

  @Test func roundTripOverTCP() throws {
    let pull = try makeSocket(ctx, .pull)
    let push = try makeSocket(ctx, .push)
    let endpoint = try bindTCP(pull)
    #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
    #expect(!endpoint.hasSuffix(":*") && !endpoint.hasSuffix(":0"))
    try push.connect(endpoint)
    try push.send("over tcp")
    #expect(try pull.recvString() == "over tcp")
    try push.disconnect(endpoint)
    try pull.unbind(endpoint)
  }

  @Test(.enabled(if: ZMQ.has(.ipc)))
  func roundTripOverIPC() throws {
    let pull = try makeSocket(ctx, .pull)
    let push = try makeSocket(ctx, .push)
    let path = NSTemporaryDirectory() + "zmq-\(UUID().uuidString.prefix(8)).ipc"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try pull.bind("ipc://" + path)
    try push.connect("ipc://" + path)
    try push.send(Int64(42))
    #expect(try pull.recvInt64() == 42)
  }

  @Test func pubSubFilters() throws {
    let pub = try makeSocket(ctx, .pub)
    let sub = try makeSocket(ctx, .sub, timeout: 20)
    let endpoint = uniqueInproc()
    try pub.bind(endpoint)
    try sub.set(.subscribe, "a")
    try sub.connect(endpoint)
    // The subscription reaches the publisher asynchronously: publish until it has.
    var received: [String] = []
    for _ in 0..<200 where received.isEmpty {
      try pub.send("b-ignored")
      try pub.send("a-delivered")
      if let text = try? sub.recvString() { received.append(text) }
    }
    #expect(received == ["a-delivered"])
  }
}

/// An integer literal sends 4 bytes, as the JavaScript module's `send(10)` does.
@Suite struct IntegerLiteralSendTests {
  @Test func integerLiteralSendsFourBytes() throws {
    let context = try Context()
    defer { try? context.destroy(linger: 0) }
    let a = try context.socket(.pair), b = try context.socket(.pair)
    try b.set(.rcvtimeo, 2000)
    let endpoint = "inproc://literal-\(UUID().uuidString)"
    try a.bind(endpoint)
    try b.connect(endpoint)
    #expect(try a.send(10) == 4)
    #expect(try b.recv() == [10, 0, 0, 0])
    #expect(try a.send(Int64(10)) == 8)
    #expect(try b.recvInt64() == 10)
  }
}
