import Foundation
import Synchronization
import Testing
@testable import ZeroMQ
import CZeroMQ

/// Counts deallocator calls and remembers the buffer each one was given.
final class DeallocationLog: Sendable {
  private let state = Mutex<[(base: UInt, count: Int)]>([])

  /// A deallocator that records its call and frees the buffer.
  var deallocator: @Sendable (UnsafeMutableRawBufferPointer) -> Void {
    { [self] buffer in
      state.withLock { $0.append((UInt(bitPattern: buffer.baseAddress), buffer.count)) }
      buffer.deallocate()
    }
  }

  var calls: Int { state.withLock { $0.count } }
  var buffers: [(base: UInt, count: Int)] { state.withLock { $0 } }

  /// Waits up to `seconds` for at least `count` calls.
  func waitForCalls(_ count: Int, seconds: Double = 5) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while calls < count {
      if Date() > deadline { return false }
      Thread.sleep(forTimeInterval: 0.001)
    }
    return true
  }
}

/// A buffer of `count` bytes filled with 0, 1, 2, … (mod 251), owned by the caller.
func patternBuffer(_ count: Int) -> UnsafeMutableRawBufferPointer {
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
  for index in 0..<count { buffer[index] = UInt8(index % 251) }
  return buffer
}

/// Whether the test process runs with AddressSanitizer or ThreadSanitizer
/// (their runtime is loaded).
let runningUnderSanitizer = (["__asan_init", "__tsan_init"] as [String]).contains { (symbol: String) in
  dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) != nil
}

func patternBytes(_ count: Int) -> [UInt8] {
  (0..<count).map { UInt8($0 % 251) }
}

@Suite struct MessageTests {
  let ctx: Context

  init() throws {
    ctx = try Context()
  }

  /// A PAIR pair over loopback TCP (`first` binds, `second` connects).
  func tcpPair(_ first: SocketType = .pair, _ second: SocketType = .pair) throws -> (Socket, Socket) {
    let a = try makeSocket(ctx, first)
    let b = try makeSocket(ctx, second)
    try b.connect(try bindTCP(a))
    return (a, b)
  }

  // MARK: Construction and conversions

  @Test func emptyMessage() throws {
    let message = Message()
    #expect(message.size == 0)
    #expect(message.isEmpty)
    #expect(!message.more)
    #expect(message.bytes == [])
    #expect(message.string == "")
    #expect(message.data == Data())
    message.withUnsafeBytes { #expect($0.count == 0) }
    #expect(message.description == "Message(0 bytes)")
  }

  @Test(arguments: [0, 1, 255, 256, 65536, 1 << 20])
  func sizedMessagesAreZeroedAndWritable(size: Int) throws {
    let message = try Message(size: size)
    #expect(message.size == size)
    #expect(message.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
    try message.withUnsafeMutableBytes { buffer in
      for index in buffer.indices { buffer[index] = UInt8(index % 251) }
    }
    #expect(message.bytes == patternBytes(size))
    let raw = try Message(unsafeUninitializedSize: size)
    #expect(raw.size == size)
  }

  @Test func initializersCopyTheirInputOnce() throws {
    #expect(try Message([1, 2, 3]).bytes == [1, 2, 3])
    #expect(try Message(Data([4, 5])).bytes == [4, 5])
    #expect(try Message([9, 8, 7, 6][1...]).bytes == [8, 7, 6])
    #expect(try Message(ContiguousArray<UInt8>([1])).bytes == [1])
    #expect(try Message("héllo").bytes == Array("héllo".utf8))
    #expect(try Message("").size == 0)
    let long = String(repeating: "long string ", count: 1000)
    #expect(try Message(long).string == long)
    var source: [UInt8] = [1, 2, 3]
    let message = try source.withUnsafeBytes { try Message(copying: $0) }
    source[0] = 99  // the message has its own copy
    #expect(message.bytes == [1, 2, 3])
    #expect(try Message(copying: UnsafeRawBufferPointer(start: nil, count: 0)).size == 0)
  }

  @Test func conversions() throws {
    let message = try Message("Grüße 🌍")
    #expect(message.string == "Grüße 🌍")
    #expect(message.data == Data("Grüße 🌍".utf8))
    #expect(message.size == "Grüße 🌍".utf8.count)
    #expect(message.description == "Message(\(message.size) bytes)")
    // The same decoding rules as recvString.
    #expect(try Message([104, 105, 0]).string == "hi")  // one trailing NUL, the only one: dropped
    #expect(try Message([104, 0, 105, 0]).string == "h\0i\0")  // other NULs are kept
    #expect(try Message([0xFF, 0x41]).string == "\u{FFFD}A")  // invalid UTF-8
  }

  @Test func withUnsafeBytesReadsInPlaceAndRethrowsTypedErrors() throws {
    let message = try Message([1, 2, 3])
    let first = message.withUnsafeBytes { Array($0) }
    let second = message.withUnsafeBytes { Array($0) }
    #expect(first == [1, 2, 3] && second == first)
    let base1 = message.withUnsafeBytes { $0.baseAddress }
    let base2 = message.withUnsafeBytes { $0.baseAddress }
    #expect(base1 == base2)  // the same storage each time: no copy
    #expect(throws: MessageError.emptyMultipart) {
      try message.withUnsafeBytes { (_) throws(MessageError) in throw .emptyMultipart }
    }
  }

  @Test func negativeSizesAreReportedNotCrashed() throws {
    #expect(throws: MessageError.negativeSize(-1)) { try Message(size: -1) }
    #expect(throws: MessageError.negativeSize(Int.min)) { try Message(unsafeUninitializedSize: Int.min) }
    #expect(MessageError.negativeSize(-1).description == "a message size cannot be negative (got -1)")
  }

  /// The sanitizers' allocators abort on impossible sizes instead of
  /// failing the allocation (unless `allocator_may_return_null=1`), so this
  /// one only runs without them.
  @Test(.enabled(if: !runningUnderSanitizer, "sanitizers abort on impossible allocations"))
  func impossibleSizesThrowENOMEM() throws {
    expectZMQError(.enomem) { _ = try Message(unsafeUninitializedSize: Int.max) }
    expectZMQError(.enomem) { _ = try Message(size: Int.max / 2) }
  }

  // MARK: Sending and receiving messages

  @Test(arguments: [0, 1, 255, 256, 65536, 1 << 20])
  func roundTripsEverySizeOverInprocAndTCP(size: Int) throws {
    for (a, b) in [try connectedPair(ctx), try tcpPair()] {
      let message = try Message(patternBytes(size))
      #expect(try a.send(message) == size)
      #expect(message.size == 0)  // libzmq took the content
      let received = Message()
      #expect(try b.recv(into: received) == size)
      #expect(received.size == size)
      #expect(received.bytes == patternBytes(size))
      #expect(!received.more)
      // The message API interoperates with the copying one both ways.
      try a.send(patternBytes(size))
      #expect(try b.recvMessage()?.bytes == patternBytes(size))
      try a.send(try Message(patternBytes(size)))
      #expect(try b.recv() == patternBytes(size))
    }
  }

  @Test func messageIsEmptyAfterSendAndCanBeReused() throws {
    let (a, b) = try connectedPair(ctx)
    let message = try Message("once")
    try a.send(message)
    #expect(message.size == 0 && message.bytes == [] && !message.more)
    #expect(try a.send(message) == 0)  // sending it again sends an empty part
    #expect(try b.recvString() == "once")
    #expect(try b.recv() == [])
    // …and it can be received into.
    try b.send("back")
    #expect(try a.recv(into: message) == 4)
    #expect(message.string == "back")
  }

  @Test func resetGivesOneMessageNewContentForEverySend() throws {
    let (a, b) = try connectedPair(ctx)
    let message = Message()
    for size in [0, 1, 33, 34, 4096, 0] {  // inline (≤ 33 bytes) and allocated content
      try message.reset(size: size)
      #expect(message.size == size && message.bytes == [UInt8](repeating: 0, count: size))
      try message.reset(unsafeUninitializedSize: size)
      #expect(message.size == size)
      try message.withUnsafeMutableBytes { buffer in
        for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index &+ size) }
      }
      #expect(try a.send(message) == size)
      #expect(try b.recv() == (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ size) })
    }
    // A received part's `more` flag goes with its content.
    try a.send("head", flags: .sndMore)
    try a.send("tail")
    #expect(try b.recv(into: message) == 4 && message.more)
    message.reset()
    #expect(message.size == 0 && !message.more)
    #expect(try b.recvString() == "tail")
  }

  @Test func resetReleasesZeroCopyContentOnceAndRefusesNegativeSizes() throws {
    let log = DeallocationLog()
    let message = try Message(noCopy: patternBuffer(10), deallocator: log.deallocator)
    #expect(throws: MessageError.negativeSize(-5)) { try message.reset(size: -5) }
    #expect(log.calls == 0 && message.bytes == patternBytes(10))  // left as it was
    try message.reset(unsafeUninitializedSize: 3)
    #expect(log.calls == 1 && message.size == 3)
    message.reset()
    message.reset()
    #expect(log.calls == 1 && message.size == 0)
  }

  @Test(.enabled(if: !runningUnderSanitizer, "sanitizers abort on impossible allocations"))
  func resetToAnImpossibleSizeThrowsENOMEMAndLeavesAnEmptyMessage() throws {
    let message = try Message("before")
    expectZMQError(.enomem) { try message.reset(unsafeUninitializedSize: Int.max) }
    #expect(message.size == 0 && message.bytes == [])
    try message.reset(size: 2)  // still usable
    #expect(message.bytes == [0, 0])
  }

  @Test func moreFlagFollowsTheParts() throws {
    let (a, b) = try connectedPair(ctx)
    try a.send(try Message("first"), flags: .sndMore)
    try a.send(try Message("second"), flags: .sndMore)
    try a.send(try Message("last"))
    let message = Message()
    try b.recv(into: message)
    #expect(message.string == "first" && message.more)
    #expect(message.description == "Message(5 bytes, more)")
    try b.recv(into: message)
    #expect(message.string == "second" && message.more)
    try b.recv(into: message)
    #expect(message.string == "last" && !message.more)
    let rcvmore: Bool = try b.get(.rcvmore)
    #expect(!rcvmore)
  }

  @Test func dontWaitReturnsNil() throws {
    let (a, b) = try connectedPair(ctx)
    let target = try Message("old content")
    #expect(try b.recv(into: target, flags: .dontWait) == nil)
    #expect(target.size == 0)  // as in libzmq, a receive that delivers nothing leaves the message empty
    #expect(try b.recvMessage(flags: .dontWait) == nil)
    let message = try Message("kept")
    // A PUSH with no peer cannot queue: nil, and the message stays intact.
    let lonely = try makeSocket(ctx, .push)
    #expect(try lonely.send(message, flags: .dontWait) == nil)
    #expect(message.string == "kept")
    #expect(try a.send(message, flags: .dontWait) == 4)
    #expect(try b.recvMessage()?.string == "kept")
  }

  @Test func blockingTimeoutsThrowEAGAIN() throws {
    let pull = try makeSocket(ctx, .pull, timeout: 20)
    expectZMQError(.eagain) { _ = try pull.recv(into: Message()) }
    let push = try makeSocket(ctx, .push, timeout: 20)
    let message = try Message("x")
    expectZMQError(.eagain) { _ = try push.send(message) }
    #expect(message.string == "x")
  }

  /// The libzmq perf tools' pattern: one message, received into again and
  /// again. Small parts are stored inside the message's own `zmq_msg_t`,
  /// so the bytes are read from the same address every time: nothing was
  /// allocated for them.
  @Test func reusingOneMessageForManyReceives() throws {
    let (a, b) = try connectedPair(ctx)
    let message = Message()
    let storage = UInt(bitPattern: message.raw)
    let storageEnd = storage + UInt(MemoryLayout<zmq_msg_t>.size)
    for round in 0..<2000 {
      let payload = "msg-\(round)"
      try a.send(payload)
      #expect(try b.recv(into: message) == payload.utf8.count)
      let base = message.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
      if base < storage || base >= storageEnd {
        Issue.record("round \(round): a small message was not stored in place")
        break
      }
      if message.string != payload {
        Issue.record("round \(round): got \(message.string)")
        break
      }
    }
    // Large parts alternate with small ones in the same message.
    for size in [70_000, 3, 1 << 20, 0, 40] {
      try a.send(patternBytes(size))
      try b.recv(into: message)
      #expect(message.bytes == patternBytes(size))
    }
  }

  // MARK: Metadata

  @Test func metadataOverTCP() throws {
    let router = try makeSocket(ctx, .router)
    let dealer = try makeSocket(ctx, .dealer)
    try dealer.set(.routingId, "client-7")  // announced in the handshake
    try dealer.connect(try bindTCP(router))
    try dealer.send("hello")
    guard let parts = try router.recvMultipartMessages() else {
      Issue.record("nothing received")
      return
    }
    #expect(parts.map(\.string) == ["client-7", "hello"])
    let message = parts[1]
    #expect(message.metadata(.peerAddress) == "127.0.0.1")
    #expect(message.metadata("Peer-Address") == "127.0.0.1")
    #expect(message.metadata(.socketType) == "DEALER")
    #expect(message.metadata("Socket-Type") == "DEALER")
    #expect(message.metadata(.routingId) == "client-7")
    #expect(message.metadata("Routing-Id") == "client-7")
    #expect(message.metadata("Identity") == "client-7")
    #expect(message.metadata(.userId) == nil)  // no ZAP
    #expect(message.metadata("X-Nothing") == nil)
    #expect(message.metadata("Socket-Type\0junk") == nil)
    #expect(parts[0].metadata(.socketType) == "DEALER")  // every part carries it
  }

  @Test func metadataOfPeersWithoutRoutingIds() throws {
    let (pull, push) = try tcpPair(.pull, .push)
    try push.send("x")
    let message = try #require(try pull.recvMessage())
    #expect(message.metadata(.socketType) == "PUSH")
    #expect(message.metadata(.routingId) == nil)  // PUSH announces none
    let (router, dealer) = try tcpPair(.router, .dealer)
    try dealer.send("y")
    let parts = try #require(try router.recvMultipartMessages())
    #expect(parts[1].metadata(.routingId) == "")  // announced, but not set
  }

  @Test(.enabled(if: ZMQ.has("ipc"))) func metadataOverIPC() throws {
    let a = try makeSocket(ctx, .pair), b = try makeSocket(ctx, .pair)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-msg-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try a.bind("ipc://\(path)")
    try b.connect("ipc://\(path)")
    try b.send("x")
    let message = try #require(try a.recvMessage())
    #expect(message.metadata(.socketType) == "PAIR")
    let address = try #require(message.metadata(.peerAddress))
    #expect(address.hasSuffix(":\(getpid())"), "\(address)")
  }

  @Test func inprocMessagesHaveNoMetadata() throws {
    let (a, b) = try connectedPair(ctx)
    try a.send("x")
    let message = try #require(try b.recvMessage())
    #expect(message.metadata(.socketType) == nil)
    #expect(message.metadata(.peerAddress) == nil)
    #expect(Message().metadata(.socketType) == nil)
  }

  /// `User-Id` comes from a ZAP handler: a minimal one here accepts the
  /// PLAIN client and names the user.
  @Test func userIdFromZAP() throws {
    let ready = Flag()
    let context = ctx
    let handler = BackgroundThread {
      let zap = try makeSocket(context, .rep)
      try zap.bind("inproc://zeromq.zap.01")
      ready.raise()
      let request = try #require(try zap.recvMultipart())
      // version, request id, domain, address, routing id, mechanism, user, password
      #expect(request.count == 8)
      #expect(String(decoding: request[5], as: UTF8.self) == "PLAIN")
      #expect(String(decoding: request[6], as: UTF8.self) == "alice")
      try zap.sendMultipart(["1.0", request[1], "200", "OK", "alice-id", ""] as [any MessagePart])
    }
    #expect(ready.wait(seconds: 5))
    let server = try makeSocket(ctx, .pull)
    try server.set(.plainServer, true)
    let client = try makeSocket(ctx, .push)
    try client.set(.plainUsername, "alice")
    try client.set(.plainPassword, "secret")
    try client.connect(try bindTCP(server))
    try client.send("authenticated")
    let message = try #require(try server.recvMessage())
    #expect(message.string == "authenticated")
    #expect(message.metadata(.userId) == "alice-id")
    #expect(message.metadata("User-Id") == "alice-id")
    switch handler.wait(seconds: 5) {
    case nil: Issue.record("the ZAP handler did not finish")
    case .failure(let error)?: Issue.record(error)
    case .success?: break
    }
  }

  // MARK: Zero-copy

  @Test func zeroCopyDeallocatorRunsOnceAfterInprocReceiverReleasesTheBytes() throws {
    let (a, b) = try connectedPair(ctx)
    let log = DeallocationLog()
    let buffer = patternBuffer(100)
    let message = try Message(noCopy: buffer, deallocator: log.deallocator)
    #expect(message.size == 100)
    #expect(message.withUnsafeBytes { $0.baseAddress } == UnsafeRawPointer(buffer.baseAddress))  // no copy
    #expect(!message.isShared)
    #expect(try a.send(message) == 100)
    #expect(message.size == 0)
    #expect(log.calls == 0)  // the receiver will read the caller's bytes
    var received: Message? = try b.recvMessage()
    #expect(received?.bytes == patternBytes(100))
    #expect(received?.withUnsafeBytes { $0.baseAddress } == UnsafeRawPointer(buffer.baseAddress))
    #expect(log.calls == 0)
    received = nil
    #expect(log.calls == 1)
    #expect(log.buffers.first?.base == UInt(bitPattern: buffer.baseAddress))
    #expect(log.buffers.first?.count == 100)
    _ = message
    #expect(log.calls == 1)
  }

  @Test(arguments: [1, 256, 1 << 20])
  func zeroCopyDeallocatorRunsOnceAfterTCPSend(size: Int) throws {
    let log = DeallocationLog()
    do {
      let (a, b) = try tcpPair()
      let message = try Message(noCopy: patternBuffer(size), deallocator: log.deallocator)
      try a.send(message)
      let received = try #require(try b.recvMessage())
      #expect(received.bytes == patternBytes(size))
      #expect(log.waitForCalls(1), "the deallocator did not run once the bytes were sent")
    }
    Thread.sleep(forTimeInterval: 0.05)
    #expect(log.calls == 1)
    #expect(log.buffers.first?.count == size)
  }

  @Test func zeroCopyDeallocatorRunsOnceWhenDroppedUnsent() throws {
    let log = DeallocationLog()
    do {
      let message = try Message(noCopy: patternBuffer(10), deallocator: log.deallocator)
      #expect(message.bytes == patternBytes(10))
      #expect(log.calls == 0)
    }
    #expect(log.calls == 1)
    let empty = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 1)
    do {
      _ = try Message(noCopy: empty, deallocator: log.deallocator)
    }
    #expect(log.calls == 2)
    #expect(log.buffers.last?.count == 0)
    #expect(log.buffers.last?.base == UInt(bitPattern: empty.baseAddress))  // handed back to be freed
  }

  @Test func zeroCopyDeallocatorRunsOnceAfterAFailedSend() throws {
    let log = DeallocationLog()
    do {
      let closed = try makeSocket(ctx, .push)
      try closed.close()
      let message = try Message(noCopy: patternBuffer(10), deallocator: log.deallocator)
      expectZMQError(.enotsock) { _ = try closed.send(message) }
      let pull = try makeSocket(ctx, .pull)
      expectZMQError(.enotsup) { _ = try pull.send(message) }
      let lonely = try makeSocket(ctx, .push, timeout: 10)
      expectZMQError(.eagain) { _ = try lonely.send(message) }
      #expect(try lonely.send(message, flags: .dontWait) == nil)
      #expect(message.bytes == patternBytes(10))  // still the caller's message
      #expect(log.calls == 0)
    }
    #expect(log.calls == 1)
  }

  @Test func zeroCopyDeallocatorRunsOnceWhenQueuedMessagesAreDiscarded() throws {
    let log = DeallocationLog()
    let endpoint = uniqueInproc()
    do {
      let pull = try makeSocket(ctx, .pull)
      try pull.bind(endpoint)
      let push = try makeSocket(ctx, .push)
      try push.connect(endpoint)
      try push.send(try Message(noCopy: patternBuffer(64), deallocator: log.deallocator))
      #expect(log.calls == 0)
      try push.close()
      try pull.close()  // linger 0: the queued message is dropped, never received
    }
    #expect(log.waitForCalls(1))
    Thread.sleep(forTimeInterval: 0.05)
    #expect(log.calls == 1)
  }

  @Test func copiesShareContentAndDeallocateOnceAfterBoth() throws {
    let log = DeallocationLog()
    var original: Message? = try Message(noCopy: patternBuffer(8), deallocator: log.deallocator)
    var copy: Message? = try original!.copy()
    #expect(copy?.bytes == patternBytes(8))
    #expect(original!.isShared && copy!.isShared)
    #expect(copy?.withUnsafeBytes { $0.baseAddress } == original?.withUnsafeBytes { $0.baseAddress })
    original = nil
    #expect(log.calls == 0)
    copy = nil
    #expect(log.calls == 1)
  }

  @Test func smallMessagesAreDuplicatedNotShared() throws {
    let small = try Message(patternBytes(33))  // libzmq keeps up to 33 bytes inline
    let smallCopy = try small.copy()
    #expect(!small.isShared && !smallCopy.isShared)
    #expect(smallCopy.bytes == patternBytes(33))
    let large = try Message(patternBytes(34))
    let largeCopy = try large.copy()
    #expect(large.isShared && largeCopy.isShared)
    #expect(largeCopy.bytes == patternBytes(34))
  }

  @Test func writingToASharedMessageCopiesItFirst() throws {
    let original = try Message([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
      32, 33, 34, 35, 36, 37, 38, 39, 40,
    ])
    let copy = try original.copy()
    try copy.withUnsafeMutableBytes { $0[0] = 99 }
    #expect(copy.bytes.first == 99)
    #expect(original.bytes.first == 1)  // untouched
    #expect(!copy.isShared)
    #expect(copy.size == 40)
  }

  // MARK: recv(into:) a caller's buffer

  @Test func receiveIntoABufferReportsTheFullSize() throws {
    let (a, b) = try connectedPair(ctx)
    var buffer = [UInt8](repeating: 0xEE, count: 4)
    try a.send(patternBytes(10))
    let truncated = try buffer.withUnsafeMutableBytes { try b.recv(into: $0) }
    #expect(truncated == 10)  // larger than the buffer: truncated
    #expect(buffer == Array(patternBytes(10)[0..<4]))

    try a.send([7, 7, 7, 7])
    #expect(try buffer.withUnsafeMutableBytes { try b.recv(into: $0) } == 4)  // exact fit
    #expect(buffer == [7, 7, 7, 7])

    var big = [UInt8](repeating: 0xEE, count: 16)
    try a.send([1, 2])
    #expect(try big.withUnsafeMutableBytes { try b.recv(into: $0) } == 2)
    #expect(big[0..<3] == [1, 2, 0xEE])  // only the message's bytes were written

    try a.send(patternBytes(300))
    #expect(try b.recv(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 300)  // discard, learn size

    #expect(try big.withUnsafeMutableBytes { try b.recv(into: $0, flags: .dontWait) } == nil)
    // The next message is unaffected by the truncation of an earlier one.
    try a.send("next")
    #expect(try b.recvString() == "next")
  }

  @Test func receiveIntoABufferPartByPart() throws {
    let (a, b) = try connectedPair(ctx)
    try a.sendMultipart(["header", "a much longer body"])
    var buffer = [UInt8](repeating: 0, count: 6)
    #expect(try buffer.withUnsafeMutableBytes { try b.recv(into: $0) } == 6)
    #expect(try b.get(.rcvmore) as Bool)
    #expect(try buffer.withUnsafeMutableBytes { try b.recv(into: $0) } == 18)
    #expect(String(decoding: buffer, as: UTF8.self) == "a much")
    #expect(!(try b.get(.rcvmore) as Bool))
  }

  // MARK: Misuse

  @Test func closedSocketsRefuseMessages() throws {
    let (a, b) = try connectedPair(ctx)
    try a.close()
    try b.close()
    let message = try Message("intact")
    expectZMQError(.enotsock) { _ = try a.send(message) }
    #expect(message.string == "intact")
    expectZMQError(.enotsock) { _ = try b.recv(into: message) }
    #expect(message.string == "intact")
    expectZMQError(.enotsock) { _ = try b.recvMessage() }
    var buffer = [UInt8](repeating: 0, count: 4)
    expectZMQError(.enotsock) { _ = try buffer.withUnsafeMutableBytes { try b.recv(into: $0) } }
  }

  @Test func shutDownContextWakesAndRefusesMessageCalls() throws {
    let context = try Context()
    let pull = try makeSocket(context, .pull)
    try context.shutdown()
    expectZMQError(.eterm) { _ = try pull.recv(into: Message()) }
    expectZMQError(.eterm) { _ = try pull.recvMessage(flags: .dontWait) }
    try pull.close()
    try context.term()
  }

  @Test func wrongDirectionSocketsRefuseMessages() throws {
    let pull = try makeSocket(ctx, .pull)
    let push = try makeSocket(ctx, .push)
    let message = try Message("x")
    expectZMQError(.enotsup) { _ = try pull.send(message) }
    expectZMQError(.enotsup) { _ = try push.recv(into: message) }
    #expect(message.string == "x")
  }
}
