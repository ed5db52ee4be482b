import Foundation
import Testing
@testable import ZeroMQ

@Suite("Typed receives") struct TypedReceiveTests {
  @Test func blockingFormsReturnValues() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send("text")
    #expect(try b.receive(String.self) == "text")
    try a.send([1, 2, 3] as [UInt8])
    #expect(try b.receive([UInt8].self) == [1, 2, 3])
    try a.send(Int32(-7))
    #expect(try b.receive(Int32.self) == -7)
    try a.send(Int64(1) << 40)
    #expect(try b.receive(Int64.self) == 1 << 40)
    try a.send("data")
    #expect(try b.receive(Data.self) == Data("data".utf8))
    try a.send("message")
    #expect(try b.receive(Message.self).string == "message")
    try a.sendMultipart(["x", "y"])
    #expect(try b.receive([[UInt8]].self) == [[120], [121]])
    try a.sendMultipart(["p", "q"])
    #expect(try b.receive([Message].self).map(\.string) == ["p", "q"])
  }

  @Test func blockingFormsThrowEagainWhenTheTimeoutExpires() throws {
    let ctx = try Context()
    let (_, b) = try connectedPair(ctx)
    try b.set(.rcvtimeo, 10)
    #expect(throws: ZMQError.eagain) { _ = try b.receive(String.self) }
    #expect(throws: ZMQError.eagain) { _ = try b.receive(Data.self) }
    #expect(throws: ZMQError.eagain) { _ = try b.receive([Message].self) }
  }

  @Test func tryReceiveIsNilWhenNothingIsQueued() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    #expect(try b.tryReceive(String.self) == nil)
    #expect(try b.tryReceive([UInt8].self) == nil)
    #expect(try b.tryReceive(Int32.self) == nil)
    #expect(try b.tryReceive(Int64.self) == nil)
    #expect(try b.tryReceive(Data.self) == nil)
    #expect(try b.tryReceive(Message.self) == nil)
    #expect(try b.tryReceive([[UInt8]].self) == nil)
    #expect(try b.tryReceive([Message].self) == nil)
    try a.send("queued")
    // inproc delivery is immediate once the send returned.
    #expect(try b.tryReceive(String.self) == "queued")
    try a.send(Int32(3))
    #expect(try b.tryReceive(Int32.self) == 3)
  }

  @Test func sizeMismatchStillThrows() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send("seven b")
    #expect(throws: MessageSizeError(expected: 4, received: 7)) { _ = try b.receive(Int32.self) }
  }

  @Test func closedSocketThrowsEnotsock() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.pull)
    try socket.close()
    #expect(throws: ZMQError.enotsock) { _ = try socket.receive(String.self) }
    #expect(throws: ZMQError.enotsock) { _ = try socket.tryReceive(String.self) }
  }
}
