import Foundation
import Testing
import ZeroMQ

// The API's value encodings against pyzmq. Swift → Python: peer.py's
// `encodings-check` role holds the bytes each send must put on the wire
// (its ENCODED table, cross-checked against Python's `struct.pack`) and
// compares byte for byte. Python → Swift: `encodings-send` sends its DECODED
// table and the expectations below say what `recvInt`, `recvInt64` and
// `recvString` must make of it.

@Suite("Interop with pyzmq: the integer and string encodings", needsPyzmq, .timeLimit(.minutes(1)))
struct EncodingInteropTests {
  @Test("send(Int32/Bool/Int64/String/()/[UInt8]/Data) puts the documented bytes on the wire")
  func swiftEncodingsCheckedByPython() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer("encodings-check", ["--bind"])
    peer.run {
      let push = try socket(ctx, .push)
      try push.connect(try peer.endpoint())
      // In the order of peer.py's ENCODED table; each returns its byte count.
      #expect(try push.send(Int32(10)) == 4)
      #expect(try push.send(10) == 4)  // an integer literal is the 32-bit form
      #expect(try push.send(true) == 4)
      #expect(try push.send(false) == 4)
      #expect(try push.send(Int32(-2)) == 4)
      #expect(try push.send(Int32.max) == 4)
      #expect(try push.send(Int32(0x0102_0304)) == 4)
      #expect(try push.send(Int64(10)) == 8)
      #expect(try push.send(Int64(-2)) == 8)
      #expect(try push.send(Int64(0x0102_0304_0506_0708)) == 8)
      #expect(try push.send("text") == 4)
      #expect(try push.send("héllo ✓ 🎉") == "héllo ✓ 🎉".utf8.count)
      #expect(try push.send("a\0b") == 3)
      #expect(try push.send("") == 0)
      #expect(try push.send() == 0)
      #expect(try push.send([0, 255, 1] as [UInt8]) == 3)
      #expect(try push.send(Data([0xde, 0xad, 0xbe, 0xef])) == 4)
      // close() keeps the linger, so the queue still goes out; dropping the
      // socket would close it with linger 0 and discard it.
      try push.close()
    }
  }

  @Test("recvInt/recvInt64/recvString decode what pyzmq sent")
  func pythonBytesDecodedBySwift() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let peer = try PythonPeer("encodings-send", ["--bind"])
    peer.run {
      let pull = try socket(ctx, .pull)
      try pull.connect(try peer.endpoint())
      // In the order of peer.py's DECODED table.
      #expect(try pull.recvInt() == 10)  // struct.pack("<i", 10)
      #expect(try pull.recvInt() == -2)
      #expect(try pull.recvInt() == 0x0102_0304)
      #expect(try pull.recvInt64() == 10)  // struct.pack("<q", 10)
      #expect(try pull.recvInt64() == -(1 << 40))
      #expect(try pull.recvInt64() == 0x0102_0304_0506_0708)
      func string(_ expected: String, _ comment: Comment) throws {
        let got = try #require(try pull.recvString())
        // Compare the UTF-8 bytes: String's == would accept a canonically
        // equivalent but different string.
        #expect(Array(got.utf8) == Array(expected.utf8), "\(comment): got \(String(reflecting: got))")
      }
      try string("text", "b'text'")
      try string("naïve ✓ 🎉", "UTF-8 from pyzmq")
      try string("hello", "b'hello\\x00': the only NUL, trailing, is dropped")
      try string("a\0b\0", "b'a\\x00b\\x00': not the only NUL, all kept")
      try string("", "b'\\x00': the only NUL, trailing, is dropped")
      try string("\0\0", "b'\\x00\\x00': two NULs, kept")
      try string("\u{FFFD}\u{FFFD}ok", "b'\\xff\\xfeok': each invalid byte is U+FFFD")
      try string("caf\u{FFFD}", "b'caf\\xc3': a truncated sequence is U+FFFD")
      try string("", "b'': empty")
      #expect(throws: MessageSizeError(expected: 4, received: 3)) { try pull.recvInt() }
      #expect(throws: MessageSizeError(expected: 8, received: 4)) { try pull.recvInt64() }
      try string("after the errors", "the socket still works after size errors")
    }
  }

  @Test("Typed sends with .sndMore make one multipart message pyzmq reads whole")
  func typedSendsWithSndMore() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let push = try socket(ctx, .push)
    let endpoint = try bindLoopback(push)
    let expected: [Parts] = [
      [[0x0a, 0, 0, 0], b("x"), [1, 0, 0, 0], [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [], [9, 8], []]
    ]
    let peer = try PythonPeer("pull", ["--connect", endpoint, "--expect", json(expected)])
    peer.run {
      _ = try peer.endpoint()
      try push.send(Int32(10), flags: .sndMore)
      try push.send("x", flags: .sndMore)
      try push.send(true, flags: .sndMore)
      try push.send(Int64(-2), flags: .sndMore)
      try push.send("", flags: .sndMore)
      try push.send([9, 8] as [UInt8], flags: .sndMore)
      try push.send()
    }
  }
}
