import Foundation
import Testing
@testable import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

@Suite struct EndpointTests {
  let ctx: Context
  let socket: Socket

  init() throws {
    ctx = try Context()
    socket = try makeSocket(ctx, .pair)
  }

  @Test func unknownTransportIsEprotonosupport() throws {
    for endpoint in ["bogus://x", "http://example.org", "udpx://127.0.0.1:5555"] {
      #expect(throws: ZMQError.eprotonosupport) { try socket.bind(endpoint) }
      #expect(throws: ZMQError.eprotonosupport) { try socket.connect(endpoint) }
    }
    do {
      try socket.bind("bogus://x")
    } catch let error as ZMQError {
      #expect(Int(error.code) == Int(EPROTONOSUPPORT))
      #expect(error.description == String(cString: strerror(EPROTONOSUPPORT)))
      #expect(error.name == "EPROTONOSUPPORT")
    }
  }

  @Test(arguments: ["", "tcp", "tcp://", "tcp://127.0.0.1", "tcp://127.0.0.1:notaport", "inproc://"])
  func malformedEndpointsAreEinval(endpoint: String) throws {
    #expect(throws: ZMQError.self) { try socket.bind(endpoint) }
    #expect(throws: ZMQError.einval) { try socket.connect(endpoint) }
  }

  @Test func embeddedNULInAnEndpointIsEinvalNotTruncated() throws {
    let name = uniqueInproc()
    #expect(throws: ZMQError.einval) { try socket.bind(name + "\0suffix") }
    #expect(throws: ZMQError.einval) { try socket.connect(name + "\0") }
    #expect(throws: ZMQError.einval) { try socket.unbind(name + "\0") }
    #expect(throws: ZMQError.einval) { try socket.disconnect(name + "\0") }
    try socket.bind(name)  // the truncated name was never bound
  }

  @Test func bindingTheSameInprocNameTwiceIsEaddrinuse() throws {
    let name = uniqueInproc()
    try socket.bind(name)
    let other = try makeSocket(ctx, .pair)
    #expect(throws: ZMQError.eaddrinuse) { try other.bind(name) }
  }

  @Test func unbindAndDisconnectOfUnknownEndpointsAreEnoent() throws {
    #expect(throws: ZMQError.enoent) { try socket.unbind("tcp://127.0.0.1:1") }
    #expect(throws: ZMQError.enoent) { try socket.disconnect("tcp://127.0.0.1:1") }
    let name = uniqueInproc()
    try socket.bind(name)
    try socket.unbind(name)
    #expect(throws: ZMQError.enoent) { try socket.unbind(name) }
  }

  @Test func unbindFreesTheAddressForAnotherSocket() throws {
    let endpoint = try bindTCP(socket)
    try socket.unbind(endpoint)
    let other = try makeSocket(ctx, .pair)
    // The port may take a moment to be released by the I/O thread.
    var bound = false
    for _ in 0..<50 where !bound {
      do {
        try other.bind(endpoint)
        bound = true
      } catch let error as ZMQError where error == .eaddrinuse {
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
    #expect(bound)
  }

  @Test(.enabled(if: ZMQ.has(.ipc)))
  func ipcPathOverTheSocketAddressLimitIsAnErrorNotACrash() throws {
    // sun_path holds 108 bytes including the NUL.
    let tooLong = "ipc:///tmp/" + String(repeating: "x", count: 200)
    do {
      try socket.bind(tooLong)
      Issue.record("an over-long ipc path was accepted")
    } catch let error as ZMQError {
      #expect(error.code == ENAMETOOLONG || error == .einval, "\(error)")
    }
    #expect(throws: ZMQError.self) { try socket.bind("ipc:///tmp/" + String(repeating: "y", count: 10_000)) }
    // A connect is resolved later; it may be accepted or refused, but must not crash.
    _ = try? socket.connect(tooLong)
  }

  @Test(.enabled(if: ZMQ.has(.ipc)))
  func ipcPathJustUnderTheLimitWorks() throws {
    let directory = "/tmp/"
    let prefix = "zmq-" + UUID().uuidString.prefix(8) + "-"
    let path = directory + prefix + String(repeating: "p", count: 107 - directory.utf8.count - prefix.utf8.count)
    #expect(path.utf8.count == 107)
    defer { unlink(path) }
    try socket.bind("ipc://" + path)
    let peer = try makeSocket(ctx, .pair)
    try peer.connect("ipc://" + path)
    try peer.send("short enough")
    #expect(try socket.recvString() == "short enough")
  }

  @Test func veryLongEndpointsAreRefusedCleanly() throws {
    let huge = "tcp://" + String(repeating: "h", count: 100_000) + ":5555"
    #expect(throws: ZMQError.self) { try socket.bind(huge) }
    let hugeInproc = "inproc://" + String(repeating: "n", count: 100_000)
    try socket.bind(hugeInproc)  // inproc names have no length limit
    let endpoint: String = try socket.get(.lastEndpoint)
    #expect(endpoint == hugeInproc)
  }
}
