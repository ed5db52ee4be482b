import Foundation
import Testing
@testable import ZeroMQ

private struct Order: Codable, Equatable {
  var item: String
  var quantity: Int
}

/// A coder that is not JSON: the value's `description`-free binary form
/// through a property list.
private struct PlistCoder: MessageEncoder, MessageDecoder {
  func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = PropertyListEncoder()
    encoder.outputFormat = .binary
    return try encoder.encode(value)
  }
  func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    try PropertyListDecoder().decode(type, from: data)
  }
}

@Suite("Codable messages") struct CodableMessageTests {
  @Test func roundTripAsJSON() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    let order = Order(item: "tea", quantity: 2)
    let sent = try a.send(encoding: order)
    #expect(sent != nil && sent! > 0)
    #expect(try b.recv(decoding: Order.self) == order)
  }

  @Test func theWireFormatIsPlainJSON() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send(encoding: ["k": 1])
    #expect(try b.recvString() == #"{"k":1}"#)
    try a.send(#"{"item":"milk","quantity":3}"#)  // as pyzmq's send_json would
    #expect(try b.receive(decoding: Order.self) == Order(item: "milk", quantity: 3))
  }

  @Test func aPluggableCoder() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    let order = Order(item: "rice", quantity: 5)
    try a.send(encoding: order, using: PlistCoder())
    let bytes = try #require(try b.recv())
    #expect(bytes.starts(with: Array("bplist".utf8)))
    try a.send(bytes)
    #expect(try b.recv(decoding: Order.self, using: PlistCoder()) == order)
    // Foundation's coders conform as they are.
    try a.send(encoding: order, using: PropertyListEncoder())
    #expect(try b.recv(decoding: Order.self, using: PropertyListDecoder()) == order)
  }

  @Test func malformedInputThrowsWithWhatArrivedAndTheSocketStaysUsable() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send("not json")
    do {
      _ = try b.recv(decoding: Order.self)
      Issue.record("decoded garbage")
    } catch let error as MessageDecodingError {
      #expect(error.type == "Order")
      #expect(error.size == 8)
      #expect(error.part == nil)
      #expect(error.preview == #""not json""#)
      #expect(error.description.hasPrefix(#"cannot decode Order from a message (8 bytes) "not json": "#))
      #expect(error.underlying is DecodingError)
    }
    try a.send(encoding: Order(item: "ok", quantity: 1))
    #expect(try b.recv(decoding: Order.self) == Order(item: "ok", quantity: 1))
  }

  @Test func thePreviewIsBoundedAndBinaryShowsAsHex() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send([UInt8](repeating: 0xff, count: 10_000))
    let error = try #require(throws: MessageDecodingError.self) { _ = try b.recv(decoding: Order.self) }
    #expect(error.size == 10_000)
    #expect(error.prefix.count == MessageDecodingError.previewLimit)
    #expect(error.preview.hasPrefix("<ff ff"))
    #expect(error.preview.hasSuffix(" …>"))
    #expect(error.description.count < 400)
    try a.send(Array("x\u{1}y".utf8))  // a control character: hex, not text
    let control = try #require(throws: MessageDecodingError.self) { _ = try b.recv(decoding: Order.self) }
    #expect(control.preview == "<78 01 79>")
    try a.send()  // empty
    let empty = try #require(throws: MessageDecodingError.self) { _ = try b.recv(decoding: Order.self) }
    #expect(empty.preview == #""""#)
    #expect(empty.description.contains("(0 bytes)"))
  }

  @Test func dontWaitGivesNil() throws {
    let ctx = try Context()
    let (_, b) = try connectedPair(ctx)
    #expect(try b.recv(decoding: Order.self, flags: .dontWait) == nil)
    #expect(try b.tryReceive(decoding: Order.self) == nil)
    #expect(try b.recvMultipart(decoding: Order.self, flags: .dontWait) == nil)
  }

  @Test func blockingFormsThrowEagainOnTimeout() throws {
    let ctx = try Context()
    let (_, b) = try connectedPair(ctx)
    try b.set(.rcvtimeo, 20)
    #expect(throws: ZMQError.eagain) { _ = try b.receive(decoding: Order.self) }
    #expect(throws: ZMQError.eagain) { _ = try b.recv(decoding: Order.self) }
  }

  @Test func multipartRoundTripAndComposition() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    let orders = [Order(item: "a", quantity: 1), Order(item: "b", quantity: 2), Order(item: "c", quantity: 3)]
    try a.sendMultipart(encoding: orders)
    #expect(try b.recvMultipart(decoding: Order.self) == orders)
    // A topic frame, then a value: `.sndMore` composes with other sends.
    try a.send("topic", flags: .sndMore)
    try a.send(encoding: orders[0])
    #expect(try b.recvString() == "topic")
    #expect(try b.get(.rcvmore))
    #expect(try b.recv(decoding: Order.self) == orders[0])
  }

  @Test func aBadPartIsNamedAndTheWholeMessageIsConsumed() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.sendMultipart([#"{"item":"a","quantity":1}"#, "oops", "{}"])
    let error = try #require(throws: MessageDecodingError.self) { _ = try b.recvMultipart(decoding: Order.self) }
    #expect(error.part == 1)
    #expect(error.description.contains("part 1 of a multipart message"))
    #expect(try b.recv(flags: .dontWait) == nil, "the rest of the message was left behind")
    try a.sendMultipart(encoding: [Order(item: "z", quantity: 9)])
    #expect(try b.recvMultipart(decoding: Order.self) == [Order(item: "z", quantity: 9)])
  }

  @Test func anEncodingFailureSendsNothing() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    #expect(throws: EncodingError.self) { try a.sendMultipart(encoding: [1.0, Double.nan]) }
    #expect(throws: MessageError.emptyMultipart) { try a.sendMultipart(encoding: [Order]()) }
    #expect(try b.recv(flags: .dontWait) == nil)
  }

  @Test func closedSocketsThrowEnotsock() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.pair)
    try socket.close()
    #expect(throws: ZMQError.enotsock) { try socket.send(encoding: 1) }
    #expect(throws: ZMQError.enotsock) { _ = try socket.recv(decoding: Int.self) }
  }

  @Test(.timeLimit(.minutes(1)))
  func asyncForms() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try b.set(.rcvtimeo, 5000)
    let order = Order(item: "async", quantity: 4)
    try await a.sendAsync(encoding: order)
    #expect(try await b.recvAsync(decoding: Order.self) == order)
    try await a.sendMultipartAsync(encoding: [order, order])
    #expect(try await b.recvMultipartAsync(decoding: Order.self) == [order, order])
    try await a.sendAsync(encoding: "head", flags: .sndMore)
    try await a.sendAsync(encoding: order)
    #expect(try await b.recvAsync(decoding: String.self) == "head")
    #expect(try b.get(.rcvmore))
    #expect(try await b.recvAsync(decoding: Order.self) == order)
    try a.send("{broken")
    await #expect(throws: MessageDecodingError.self) { _ = try await b.recvAsync(decoding: Order.self) }
    try await a.sendAsync(encoding: order)
    #expect(try await b.recvAsync(decoding: Order.self) == order)
  }
}
