import Foundation
import Testing
@testable import ZeroMQ

/// The Swift side's record of what a message holds (`Message.content`),
/// which lets `send` report the size without asking libzmq and lets `reset`
/// skip closing a message libzmq has already emptied. These tests check
/// that the record follows every change, and that skipping changes nothing
/// a user can observe.
@Suite struct MessageContentTests {
  let ctx: Context

  init() throws {
    ctx = try Context()
  }

  @Test func everyInitializerRecordsWhatItMade() throws {
    #expect(Message().content == .released)
    #expect(try Message(size: 0).content == .belowInt32Max)
    #expect(try Message(size: 100).content == .belowInt32Max)
    #expect(try Message(unsafeUninitializedSize: 34).content == .belowInt32Max)
    #expect(try Message("text").content == .belowInt32Max)
    #expect(try Message([1, 2, 3]).content == .belowInt32Max)
    #expect(try [UInt8](repeating: 9, count: 40).withUnsafeBytes { try Message(copying: $0) }.content == .belowInt32Max)
    let log = DeallocationLog()
    #expect(try Message(noCopy: patternBuffer(8), deallocator: log.deallocator).content == .belowInt32Max)
    #expect(log.calls == 1)
  }

  @Test func sendingEmptiesAndAFailedSendLeavesTheRecordAlone() throws {
    let (a, b) = try connectedPair(ctx)
    let message = try Message("hello")
    #expect(try a.send(message) == 5)
    #expect(message.content == .released && message.size == 0)
    #expect(try b.recvString() == "hello")

    let closed = try makeSocket(ctx, .push)
    try closed.close()
    try message.reset(unsafeUninitializedSize: 3)
    expectZMQError(.enotsock) { _ = try closed.send(message) }
    let lonely = try makeSocket(ctx, .push, timeout: 10)
    #expect(try lonely.send(message, flags: .dontWait) == nil)
    #expect(message.content == .belowInt32Max && message.size == 3)
  }

  @Test func receivingRecordsTheSizeEvenOfAnEmptyPart() throws {
    let (a, b) = try connectedPair(ctx)
    let message = Message()
    #expect(try b.recv(into: message, flags: .dontWait) == nil)
    #expect(message.content == .released)
    try a.send([UInt8]())
    #expect(try b.recv(into: message) == 0)
    // An empty part can still carry metadata, so it is not "released".
    #expect(message.content == .belowInt32Max)
  }

  @Test func copiesAndResetsKeepTheRecord() throws {
    let message = try Message(size: 50)
    let copy = try message.copy()
    #expect(copy.content == .belowInt32Max && copy.size == 50)
    message.reset()
    #expect(message.content == .released && message.size == 0)
    #expect(try message.copy().content == .released)
    try message.reset(size: 2)
    #expect(message.content == .belowInt32Max && message.bytes == [0, 0])
    #expect(throws: MessageError.negativeSize(-1)) { try message.reset(unsafeUninitializedSize: -1) }
    #expect(message.content == .belowInt32Max && message.size == 2)
  }

  @Test(.enabled(if: !runningUnderSanitizer, "sanitizers abort on impossible allocations"))
  func aFailedResetLeavesAReleasedMessage() throws {
    let message = try Message("before")
    expectZMQError(.enomem) { try message.reset(unsafeUninitializedSize: Int.max) }
    #expect(message.content == .released && message.size == 0)
    try message.reset(size: 1)
    #expect(message.bytes == [0])
  }

  /// A message whose size the record does not know is sized before the
  /// send, as one of `Int32.max` bytes or more would have to be.
  @Test func sendAsksForTheSizeWhenTheRecordDoesNotKnowIt() throws {
    let (a, b) = try connectedPair(ctx)
    let message = try Message("seven!!")
    message.content = .unknown
    #expect(try a.send(message) == 7)
    #expect(message.content == .released)
    message.content = .unknown
    #expect(try a.send(message) == 0)
    #expect(message.content == .released)
    #expect(try b.recvString() == "seven!!")
    #expect(try b.recv() == [])
    let data = try Message(Data([1, 2, 3]))  // made by an initializer that records nothing
    #expect(data.content == .unknown)
    #expect(try a.send(data) == 3)
    #expect(try b.recv() == [1, 2, 3])
  }

  /// `reset` after a successful zero-copy send skips the close; the buffer
  /// still goes back exactly once, when the receiver lets go of it.
  @Test func resetAfterAZeroCopySendStillDeallocatesOnce() throws {
    let log = DeallocationLog()
    let (a, b) = try connectedPair(ctx)
    let message = try Message(noCopy: patternBuffer(100), deallocator: log.deallocator)
    #expect(try a.send(message) == 100)
    try message.reset(unsafeUninitializedSize: 1)
    message.reset()
    #expect(log.calls == 0)  // libzmq still holds the bytes, in the pipe
    do {
      let received = Message()
      #expect(try b.recv(into: received) == 100)
      #expect(received.bytes == patternBytes(100))
    }
    #expect(log.waitForCalls(1))
    #expect(log.calls == 1)
  }

  /// After a failed send the message still holds its content, so `reset`
  /// must close it: the deallocator runs then, not never.
  @Test func resetAfterAFailedZeroCopySendDeallocates() throws {
    let log = DeallocationLog()
    let lonely = try makeSocket(ctx, .push, timeout: 10)
    let message = try Message(noCopy: patternBuffer(64), deallocator: log.deallocator)
    #expect(try lonely.send(message, flags: .dontWait) == nil)
    #expect(log.calls == 0)
    try message.reset(unsafeUninitializedSize: 4)
    #expect(log.calls == 1)
  }

  /// A received part's metadata goes with `reset`, including after the
  /// message was received into, sent back, and reset again.
  @Test func metadataGoesWithResetAfterReceiveAndSend() throws {
    let a = try makeSocket(ctx, .pair)
    let b = try makeSocket(ctx, .pair)
    try b.connect(try bindTCP(a))
    let message = Message()
    for round in 0..<3 {
      try a.send("ping \(round)")
      #expect(try b.recv(into: message) == 6)
      #expect(message.metadata(.socketType) == "PAIR")
      if round == 1 {
        #expect(try b.send(message) == 6)
        #expect(try a.recvString() == "ping 1")
      }
      try message.reset(unsafeUninitializedSize: 2)
      #expect(message.metadata(.socketType) == nil && message.size == 2)
    }
  }
}
