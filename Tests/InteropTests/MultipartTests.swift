import Foundation
import Testing
import ZeroMQ

// Multipart messages across the binding boundary: many parts, empty parts
// first, last and between, and a 1 MiB part, in both directions, with
// `sendMultipart`/`recvMultipart` and with the part-by-part API
// (`send(_:flags: .sndMore)`, `recv()` + `.rcvmore`).

@Suite("Interop with pyzmq: multipart", needsPyzmq, .timeLimit(.minutes(1)))
struct MultipartInteropTests {
  static let messages: [Parts] = [
    [[], b("empty first and last"), []],
    (0..<100).map { Array(repeating: UInt8($0), count: $0) },  // 100 parts of sizes 0…99
    [b("header"), pattern(1 << 20), b("trailer")],
    [[], [], []],
    [b("single")],
  ]

  @Test("Swift sendMultipart → pyzmq recv_multipart")
  func swiftToPython() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let push = try socket(ctx, .push)
    let endpoint = try bindLoopback(push)
    let mixed: Parts = [b("text"), [0xff], b("data"), []]
    let peer = try PythonPeer("pull", ["--connect", endpoint, "--expect", json(Self.messages + [mixed])])
    peer.run {
      _ = try peer.endpoint()
      for message in Self.messages {
        let sent = try push.sendMultipart(message)
        #expect(sent == message.reduce(0) { $0 + $1.count })
      }
      // Parts of different types in one message.
      try push.sendMultipart(["text", [0xff] as [UInt8], Data("data".utf8), ""] as [any MessagePart])
    }
  }

  @Test("pyzmq send_multipart → Swift recvMultipart and part by part with .rcvmore")
  func pythonToSwift() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer("push", ["--bind", "--send", json(Self.messages + Self.messages)])
    peer.run {
      let pull = try socket(ctx, .pull)
      try pull.connect(try peer.endpoint())
      for (index, message) in Self.messages.enumerated() {
        let got = try recvParts(pull)
        #expect(got == message, "message \(index): \(got.count) parts, \(show(got.count > 8 ? [] : got))")
      }
      // The same again, part by part: .rcvmore is true on every part but the last.
      for (index, message) in Self.messages.enumerated() {
        var got: Parts = []
        var more: [Bool] = []
        repeat {
          got.append(try #require(try pull.recv()))
          more.append(try pull.get(.rcvmore))
        } while more.last == true
        #expect(got == message, "message \(index), part by part")
        #expect(more == Array(repeating: true, count: message.count - 1) + [false])
      }
    }
  }
}
