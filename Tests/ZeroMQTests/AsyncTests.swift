import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

// The async tests never block a thread: sockets are owned by actors (or
// created inside the task that uses them), every wait is an `await`, and
// every socket has a receive and send timeout that the async forms honour,
// so a regression fails with EAGAIN instead of hanging.
//
// Timing. Every test of the process shares Swift's cooperative pool (one
// thread per core), and a task that does not run on an event loop is
// resumed through that pool. Other suites block its threads (synchronous
// libzmq calls with timeouts, blocking reads of child processes) for seconds
// at a time. So these tests never tell the library's wake-up mechanisms
// apart by how fast they are: the white-box tests ask an event loop of
// their own *why* a waiter woke, and the end-to-end tests use sockets with
// 30 s timeouts and only require the outcome.

/// A result and the moment it was produced, taken on the producing executor.
struct Timed<Value: Sendable>: Sendable {
  let result: Result<Value, any Error>
  let end: ContinuousClock.Instant

  func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = end - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  }
}

/// An actor that owns one socket, as an application would.
actor SocketOwner {
  let socket: Socket
  /// What `collectStrings()` has received so far.
  private(set) var collected: [String] = []

  init(_ context: Context, _ type: SocketType, timeout: Int32 = asyncTimeout) throws {
    socket = try makeSocket(context, type, timeout: timeout)
  }

  /// Starts `operation` in a task isolated to this actor — it starts,
  /// waits and ends on the actor's queue — that notes when it ended.
  func start<T: Sendable>(_ operation: @escaping @Sendable (isolated SocketOwner) async throws -> T) -> Task<
    Timed<T>, Never
  > {
    Task {
      do {
        let value = try await operation(self)
        return Timed(result: .success(value), end: .now)
      } catch {
        return Timed(result: .failure(error), end: .now)
      }
    }
  }

  func bind(_ endpoint: String) throws { try socket.bind(endpoint) }
  func connect(_ endpoint: String) throws { try socket.connect(endpoint) }
  func set<Access: WritableOptionAccess>(_ option: SocketOption<Int32, Access>, _ value: Int32) throws {
    try socket.set(option, value)
  }
  func close() throws { try socket.close() }

  func recvStringAsync() async throws -> String { try await socket.recvStringAsync() }
  func recvAsync() async throws -> [UInt8] { try await socket.recvAsync() }
  @discardableResult
  func send(_ text: String) async throws -> Int { try await socket.sendAsync(text) }
  func sendNow(_ text: String) throws { try socket.send(text) }
  func receiveNow() throws -> String? { try socket.recvString(flags: .dontWait) }

  /// Collects strings until the sequence ends (close/term) or throws.
  func collectStrings() async throws -> [String] {
    for try await text in socket.strings {
      collected.append(text)
    }
    return collected
  }

  /// Returns once `collectStrings()` has received `count` strings.
  func untilCollected(_ count: Int) async throws {
    try await eventually("\(count) parts collected") { collected.count >= count }
  }
}

/// The receive and send timeout of the sockets the async tests wait on:
/// long enough for a busy pool, short enough that a regression fails
/// (``makeSocket(_:_:timeout:)`` multiplies it by ``testTimeScale``).
let asyncTimeout: Int32 = 30_000

/// Fails the test, instead of hanging it, when `body` takes longer than
/// `seconds`; returns `body`'s result. Allow for a busy cooperative pool.
func within<T: Sendable>(
  _ seconds: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  let seconds = seconds * Double(testTimeScale)
  return try await withThrowingTaskGroup(of: T?.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      return nil
    }
    defer { group.cancelAll() }
    guard case .some(.some(let value)) = try await group.next() else {
      Issue.record("\(what) did not finish within \(seconds) s", sourceLocation: sourceLocation)
      throw CancellationError()
    }
    return value
  }
}

@Suite("async/await") struct AsyncTests {
  // MARK: Basics

  @Test func receiveReturnsAMessageThatIsAlreadyQueued() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send("ready")
    #expect(try await b.recvStringAsync() == "ready")
    try a.send(Int32(-7))
    #expect(try await b.recvIntAsync() == -7)
    try a.send(Int64.max)
    #expect(try await b.recvInt64Async() == .max)
    try a.send([1, 2, 3] as [UInt8])
    #expect(try await b.recvAsync() == [1, 2, 3])
    try a.close()
    try b.close()
    try ctx.term()
  }

  @Test func everySendAsyncFormArrivesAsItsSynchronousTwin() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    #expect(try await a.sendAsync() == 0)
    #expect(try await a.sendAsync([9, 8] as [UInt8]) == 2)
    #expect(try await a.sendAsync(Data([7])) == 1)
    #expect(try await a.sendAsync([1, 2, 3][1...]) == 2)
    #expect(try await a.sendAsync("héllo") == 6)
    #expect(try await a.sendAsync(Int32(5)) == 4)
    #expect(try await a.sendAsync(Int64(6)) == 8)
    #expect(try await a.sendAsync(true) == 4)
    try await a.sendAsync("first", flags: .sndMore)
    try await a.sendAsync("second")

    #expect(try b.recv() == [])
    #expect(try b.recv() == [9, 8])
    #expect(try b.recv() == [7])
    #expect(try b.recv() == [2, 3])
    #expect(try b.recvString() == "héllo")
    #expect(try b.recvInt() == 5)
    #expect(try b.recvInt64() == 6)
    #expect(try b.recvInt() == 1)
    #expect(try b.recvString() == "first")
    #expect(try b.get(.rcvmore) == true)
    #expect(try b.recvString() == "second")
    #expect(try b.get(.rcvmore) == false)
    try a.close()
    try b.close()
    try ctx.term()
  }

  @Test func receiveIntRejectsAWrongSizeAndConsumesTheMessage() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.send("seven b")
    try a.send(Int32(1))
    await #expect(throws: MessageSizeError(expected: 4, received: 7)) { try await b.recvIntAsync() }
    #expect(try await b.recvIntAsync() == 1)
    try a.close()
    try b.close()
    try ctx.term()
  }

  // MARK: Messages and multipart

  @Test func multipartAndMessageFormsRoundTrip() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    #expect(try await a.sendMultipartAsync(["topic", "body"]) == 9)
    #expect(try await b.recvMultipartAsync() == [Array("topic".utf8), Array("body".utf8)])
    try await a.sendMultipartAsync([[1], [2, 3], "four"] as [any MessagePart])
    #expect(try await b.recvMultipartAsync() == [[1], [2, 3], Array("four".utf8)])

    let message = try Message("zero-copy")
    #expect(try await a.sendAsync(message, flags: .sndMore) == 9)
    #expect(message.size == 0, "the message's content was handed to libzmq")
    try await a.sendAsync("tail")
    let parts = try await b.recvMultipartMessagesAsync()
    #expect(parts.map(\.string) == ["zero-copy", "tail"])
    #expect(parts.map(\.more) == [true, false])

    try a.send("single")
    let single = try await b.recvMessageAsync()
    #expect(single.string == "single")
    #expect(!single.more)

    await #expect(throws: MessageError.emptyMultipart) { try await a.sendMultipartAsync([String]()) }
    try a.close()
    try b.close()
    try ctx.term()
  }

  @Test func multipartMessagesSequenceYieldsWholeMessages() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try a.sendMultipart(["a1", "a2"])
    try a.sendMultipart(["b1"])
    try a.sendMultipart(["stop"])
    var received: [[String]] = []
    for try await parts in b.multipartMessages {
      let texts = parts.map { String(decoding: $0, as: UTF8.self) }
      if texts == ["stop"] { break }
      received.append(texts)
    }
    #expect(received == [["a1", "a2"], ["b1"]])
    try a.close()
    try b.close()
    try ctx.term()
  }

  @Test func aPendingMultipartReceiveGetsTheWholeMessage() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull)
    try await owner.bind(endpoint)
    let pending = await owner.start { try await $0.socket.recvMultipartAsync() }
    try await owner.untilWaiting()
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try await push.sendMultipartAsync(["x", "y", "z"])
    let outcome = try await within(60, "the multipart receive") { await pending.value }
    #expect(try outcome.result.get() == [[0x78], [0x79], [0x7A]])
    try push.close()
    try await owner.close()
    try ctx.term()
  }

  @Test func cancellingAPendingMultipartSendSendsNoPart() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .push)
    try await owner.bind(endpoint)  // no peer: a PUSH send waits
    let pending = await owner.start { try await $0.socket.sendMultipartAsync(["never", "sent"]) }
    try await owner.untilWaiting()
    pending.cancel()
    let outcome = try await within(60, "the cancelled send") { await pending.value }
    #expect(throws: CancellationError.self) { try outcome.result.get() }
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.connect(endpoint)
    try await owner.send("after")
    #expect(try await pull.recvMultipartAsync() == [Array("after".utf8)])
    try pull.close()
    try await owner.close()
    try ctx.term()
  }

  // MARK: Many messages

  @Test func manyMessagesThroughAnAsyncLoop() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let count = 20_000
    let pull = try SocketOwner(ctx, .pull)
    try await pull.bind(endpoint)
    let total = try await within(30, "20 000 messages") {
      try await withThrowingTaskGroup(of: Int.self) { group in
        group.addTask {
          // The sender lives in its own task, created there.
          let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
          try push.set(.sndhwm, 10)  // so the sender has to wait too
          try push.connect(endpoint)
          for index in 0..<count {
            try await push.sendAsync(Int32(index))
          }
          try await push.sendAsync("end")
          try push.close()
          return 0
        }
        group.addTask {
          try await pull.receiveAll(expected: count)
        }
        var sum = 0
        for try await value in group { sum += value }
        return sum
      }
    }
    #expect(total == count)
    try await pull.close()
    try ctx.term()
  }

  @Test func messagesSequenceDeliversEveryMessageInOrder() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    for index in 0..<500 { try a.send("m\(index)") }
    try a.send("stop")
    var received: [String] = []
    for try await text in b.strings {
      if text == "stop" { break }
      received.append(text)
    }
    #expect(received == (0..<500).map { "m\($0)" })
    try a.send([0xFF, 0x00])
    var bytes: [[UInt8]] = []
    for try await message in b.messages {
      bytes.append(message)
      break
    }
    #expect(bytes == [[0xFF, 0x00]])
    try a.close()
    try b.close()
    try ctx.term()
  }

  // MARK: Actors and reentrancy

  @Test func sendAndReceiveFromWithinActors() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let server = try SocketOwner(ctx, .rep)
    let client = try SocketOwner(ctx, .req)
    try await server.bind(endpoint)
    try await client.connect(endpoint)
    let served = Task {
      for _ in 0..<100 {
        let request = try await server.recvStringAsync()
        try await server.send(request.uppercased())
      }
    }
    for index in 0..<100 {
      try await client.send("ping \(index)")
      #expect(try await client.recvStringAsync() == "PING \(index)")
    }
    try await within(60, "the server task") { try await served.value }
    try await server.close()
    try await client.close()
    try ctx.term()
  }

  @Test func concurrentReceivesOnOneActorShareTheMessages() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let pull = try SocketOwner(ctx, .pull)
    try await pull.bind(endpoint)
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    // Four tasks wait on the same socket at once (the actor is reentrant
    // across the suspension); every message goes to exactly one of them.
    let receivers = (0..<4).map { _ in
      Task { () throws -> [String] in
        var got: [String] = []
        for _ in 0..<50 { got.append(try await pull.recvStringAsync()) }
        return got
      }
    }
    try await Task.sleep(for: .milliseconds(50))  // let them all suspend
    for index in 0..<200 { try await push.sendAsync("n\(index)") }
    var all: [String] = []
    for receiver in receivers {
      all += try await within(60, "a receiver") { try await receiver.value }
    }
    #expect(Set(all) == Set((0..<200).map { "n\($0)" }))
    #expect(all.count == 200)
    try push.close()
    try await pull.close()
    try ctx.term()
  }

  @Test func aPendingSendAndAPendingReceiveOnOneSocketBothWakePromptly() async throws {
    // One task waits to send (high-water mark reached), another waits to
    // receive, on the same socket; one descriptor edge serves both.
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pair)
    try await owner.set(.sndhwm, 1)
    try await owner.bind(endpoint)
    let peer = try makeSocket(ctx, .pair, timeout: asyncTimeout)
    try peer.set(.rcvhwm, 1)
    try peer.connect(endpoint)
    let queued = try await owner.fillUntilFull()
    #expect(queued > 0)

    let sender = await owner.start { try await $0.send("late") }
    let receiver = await owner.start { try await $0.recvStringAsync() }
    try await owner.untilWaiting(count: 2)

    _ = ContinuousClock.now
    try peer.send("hello")
    for _ in 0..<queued { #expect(try peer.recvString() == "fill") }
    let received = try await within(60, "the pending receive") { await receiver.value }
    #expect(try received.result.get() == "hello")
    let sent = try await within(60, "the pending send") { await sender.value }
    #expect(try sent.result.get() == 4)
    #expect(try peer.recvString() == "late")
    try peer.close()
    try await owner.close()
    try ctx.term()
  }

  /// An event loop of the tests' own, so that a waiter it wakes was woken
  /// by the mechanism under test.
  static let loop = ZMQEventLoop(name: "async-tests")

  @Test func notifyWakesTheWaitersThatCanProceedAndNoOthers() async throws {
    // White-box: a call by one task can consume the descriptor edge that
    // another task of the same socket waits for; `notify` hands that task
    // what the call learned. Here the descriptor never fires (the read end
    // of an idle pipe), so only `notify` can wake the waiter.
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair, timeout: asyncTimeout)
    let handle = socket.handle
    let key = SocketKey(handle)
    var ends: [Int32] = [-1, -1]
    #expect(pipe(&ends) == 0)
    defer { close(ends[0]); close(ends[1]) }
    let fd = ends[0]
    let loop = Self.loop
    let waiter = Task { await loop.wait(handle: handle, descriptors: .one(fd), wanted: ZMQ.POLLIN, deadline: nil) }
    try await eventually("a wait armed on \(loop)") { loop.armedCount(on: key) > 0 }
    loop.notify(key, events: ZMQ.POLLOUT)  // not what it waits for
    #expect(loop.armedCount(on: key) == 1, "a waiter for POLLIN stays asleep on POLLOUT")
    loop.notify(key, events: ZMQ.POLLIN)
    #expect(try await within(60, "the notified waiter") { await waiter.value } == .notified)
    #expect(loop.waiterCount(on: key) == 0)
    try socket.close()
    try ctx.term()
  }

  @Test func waitsEndWithReadinessDeadlineCancellationOrClosing() async throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair, timeout: asyncTimeout)
    let handle = socket.handle
    let key = SocketKey(handle)
    var ends: [Int32] = [-1, -1]
    #expect(pipe(&ends) == 0)
    defer { close(ends[0]); close(ends[1]) }
    let fd = ends[0]
    let loop = Self.loop
    let start = ContinuousClock.now
    let timedOut = await loop.wait(
      handle: handle, descriptors: .one(fd), wanted: ZMQ.POLLIN, deadline: .now + .milliseconds(80))
    #expect(timedOut == .timedOut)
    #expect(ContinuousClock.now - start >= .milliseconds(80))
    let cancelled = Task { await loop.wait(handle: handle, descriptors: .one(fd), wanted: ZMQ.POLLIN, deadline: nil) }
    cancelled.cancel()  // before or after it was armed: either way
    #expect(try await within(60, "the cancelled waiter") { await cancelled.value } == .cancelled)
    let armedThenCancelled = Task {
      await loop.wait(handle: handle, descriptors: .one(fd), wanted: ZMQ.POLLIN, deadline: nil)
    }
    try await eventually("a wait armed on \(loop)") { loop.armedCount(on: key) > 0 }
    armedThenCancelled.cancel()
    #expect(try await within(60, "the cancelled waiter") { await armedThenCancelled.value } == .cancelled)
    // Readiness of the descriptor itself.
    let ready = Task { await loop.wait(handle: handle, descriptors: .one(fd), wanted: ZMQ.POLLIN, deadline: nil) }
    try await eventually("a wait armed on \(loop)") { loop.armedCount(on: key) > 0 }
    var byte: UInt8 = 1
    #expect(write(ends[1], &byte, 1) == 1)
    #expect(try await within(60, "the readable waiter") { await ready.value } == .readable)
    #expect(loop.waiterCount(on: key) == 0)
    // Closing the socket wakes its waiters at once although the descriptor
    // stays quiet (libzmq does not signal it when it frees the socket).
    #expect(read(fd, &byte, 1) == 1)  // quiet again
    let orphaned = Task { await loop.wait(handle: handle, descriptors: .one(fd), wanted: ZMQ.POLLIN, deadline: nil) }
    try await eventually("a wait armed on \(loop)") { loop.armedCount(on: key) > 0 }
    try socket.close()
    #expect(try await within(60, "the orphaned waiter") { await orphaned.value } == .closed)
    try ctx.term()
  }

  // MARK: Cancellation

  @Test func cancellingAPendingReceiveIsPromptAndLosesNothing() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(endpoint)
    let pending = await owner.start { try await $0.recvStringAsync() }
    try await owner.untilWaiting()
    let start = ContinuousClock.now
    pending.cancel()
    let outcome = try await within(60, "the cancelled receive") { await pending.value }
    // Before the 30 s timeout; that the cancellation handler (not a
    // re-check) ends the wait is checked by the white-box tests.
    #expect(outcome.seconds(since: start) < Double(asyncTimeout * testTimeScale) / 1000)
    #expect(throws: CancellationError.self) { try outcome.result.get() }

    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try push.send("after")
    #expect(try await owner.recvStringAsync() == "after")
    try push.close()
    try await owner.close()
    try ctx.term()
  }

  @Test func cancellationRacingWithArrivalsNeverDropsAMessage() async throws {
    // Each round: a receive is suspended, a message arrives and the task is
    // cancelled at nearly the same time. Whichever wins, the message must
    // come out exactly once: from the cancelled receive, or a later one.
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull)
    try await owner.bind(endpoint)
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    var delivered: [String] = []
    var cancelled = 0
    let rounds = 200
    for index in 0..<rounds {
      let pending = Task { try await owner.recvStringAsync() }
      try await owner.untilWaiting()
      try push.send("r\(index)")
      for _ in 0..<(index % 4) { await Task.yield() }
      pending.cancel()
      switch await pending.result {
      case .success(let text): delivered.append(text)
      case .failure(let error):
        #expect(error is CancellationError, "\(error)")
        cancelled += 1
        // Whatever the cancelled receive did not return is still there.
        delivered.append(try await owner.recvStringAsync())
      }
    }
    #expect(delivered == (0..<rounds).map { "r\($0)" })
    #expect(try await owner.receiveNow() == nil)
    #expect(cancelled > 0, "some rounds were decided by the cancellation")
    try push.close()
    try await owner.close()
    try ctx.term()
  }

  @Test func anAlreadyCancelledTaskTakesNothing() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull)
    try await owner.bind(endpoint)
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try push.send("kept")
    try await Task.sleep(for: .milliseconds(20))
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      return try await owner.recvStringAsync()
    }
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(try await owner.recvStringAsync() == "kept")
    try push.close()
    try await owner.close()
    try ctx.term()
  }

  @Test func cancellingAPendingSendSendsNothing() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .push, timeout: asyncTimeout)
    let endpoint = uniqueInproc()
    try await owner.bind(endpoint)  // no peer yet: a PUSH send waits
    let pending = Task { try await owner.send("never") }
    try await owner.untilWaiting()
    pending.cancel()
    await #expect(throws: CancellationError.self) {
      try await within(60, "the cancelled send") { try await pending.value }
    }
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.connect(endpoint)
    try await owner.send("sent")
    #expect(try pull.recvString() == "sent", "the cancelled part was never queued")
    try pull.close()
    try await owner.close()
    try ctx.term()
  }

  // MARK: Timeouts

  @Test func receiveHonoursRcvtimeo() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull, timeout: 150)
    try await owner.bind(uniqueInproc())
    let timed = await owner.timed { try await $0.recvStringAsync() }
    #expect(throws: ZMQError.eagain) { try timed.result.get() }
    #expect(timed.elapsed >= .milliseconds(150))

    try await owner.set(.rcvtimeo, 0)
    let immediate = await owner.timed { try await $0.recvStringAsync() }
    #expect(throws: ZMQError.eagain) { try immediate.result.get() }
    #expect(immediate.elapsed < .seconds(5), "no wait at all")
    try await owner.close()
    try ctx.term()
  }

  @Test func sendHonoursSndtimeo() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .push, timeout: 150)
    try await owner.bind(uniqueInproc())
    await #expect(throws: ZMQError.eagain) { try await owner.send("nobody") }
    try await owner.close()
    try ctx.term()
  }

  // MARK: The socket or context going away

  @Test func closingTheSocketDuringAWaitThrowsENOTSOCK() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(uniqueInproc())
    let pending = await owner.start { try await $0.recvStringAsync() }
    try await owner.untilWaiting()
    let start = ContinuousClock.now
    try await owner.close()  // runs on the actor while the receive is suspended
    let outcome = try await within(60, "the receive") { await pending.value }
    #expect(throws: ZMQError.enotsock) { try outcome.result.get() }
    #expect(outcome.seconds(since: start) < Double(asyncTimeout * testTimeScale) / 1000)
    try ctx.term()
  }

  @Test func closingAnUnattachedSocketDuringAWaitThrowsENOTSOCK() async throws {
    // With no endpoint, libzmq frees the socket (and its descriptor) at
    // once, so nothing ever signals the descriptor: the helper's periodic
    // check of the handle has to notice.
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    let pending = await owner.start { try await $0.recvStringAsync() }
    try await owner.untilWaiting()
    let start = ContinuousClock.now
    try await owner.close()
    let outcome = try await within(60, "the receive") { await pending.value }
    #expect(throws: ZMQError.enotsock) { try outcome.result.get() }
    #expect(outcome.seconds(since: start) < Double(asyncTimeout * testTimeScale) / 1000)
    try ctx.term()
  }

  @Test func destroyingTheContextDuringAWaitThrowsENOTSOCK() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(uniqueInproc())
    let pending = Task { try await owner.recvStringAsync() }
    try await owner.untilWaiting()
    try ctx.destroy(linger: 0)
    await #expect(throws: ZMQError.enotsock) { try await within(60, "the receive") { try await pending.value } }
  }

  @Test func shuttingTheContextDownDuringAWaitThrowsETERM() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(uniqueInproc())
    let pending = await owner.start { try await $0.recvStringAsync() }
    try await owner.untilWaiting()
    let start = ContinuousClock.now
    try ctx.shutdown()
    let outcome = try await within(60, "the receive") { await pending.value }
    #expect(throws: ZMQError.eterm) { try outcome.result.get() }
    #expect(outcome.seconds(since: start) < Double(asyncTimeout * testTimeScale) / 1000)
    try await owner.close()
    try ctx.term()
  }

  @Test func shuttingTheContextDownDuringAPendingSendThrowsETERM() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .push, timeout: asyncTimeout)
    try await owner.bind(uniqueInproc())
    let pending = Task { try await owner.send("stuck") }
    try await owner.untilWaiting()
    try ctx.shutdown()
    await #expect(throws: ZMQError.eterm) { try await within(60, "the send") { try await pending.value } }
    try await owner.close()
    try ctx.term()
  }

  @Test func asyncCallsOnAClosedSocketThrowENOTSOCK() async throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pair, timeout: asyncTimeout)
    try socket.close()
    await #expect(throws: ZMQError.enotsock) { try await socket.recvAsync() }
    await #expect(throws: ZMQError.enotsock) { try await socket.sendAsync("x") }
    var iterator = socket.messages.makeAsyncIterator()
    #expect(try await iterator.next() == nil)
    try ctx.term()
  }

  @Test func theSequenceEndsWhenTheSocketIsClosed() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(endpoint)
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    let collector = Task { try await owner.collectStrings() }
    for index in 0..<3 { try push.send("c\(index)") }
    try await owner.untilCollected(3)
    try await owner.untilWaiting()
    try await owner.close()
    let received = try await within(60, "the sequence") { try await collector.value }
    #expect(received == ["c0", "c1", "c2"])
    try push.close()
    try ctx.term()
  }

  @Test func theSequenceEndsWhenTheContextIsShutDown() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(endpoint)
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    let collector = Task { try await owner.collectStrings() }
    try push.send("only")
    try await owner.untilCollected(1)
    try await owner.untilWaiting()
    try ctx.shutdown()
    let received = try await within(60, "the sequence") { try await collector.value }
    #expect(received == ["only"])
    try push.close()
    try await owner.close()
    try ctx.term()
  }

  @Test func cancellingTheSequenceThrowsAndLosesNothing() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let owner = try SocketOwner(ctx, .pull, timeout: asyncTimeout)
    try await owner.bind(endpoint)
    let collector = Task { try await owner.collectStrings() }
    try await owner.untilWaiting()
    collector.cancel()
    await #expect(throws: CancellationError.self) { try await within(60, "the sequence") { try await collector.value } }
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try push.send("still here")
    #expect(try await owner.recvStringAsync() == "still here")
    try push.close()
    try await owner.close()
    try ctx.term()
  }

  @Test func theSequenceThrowsEAGAINWhenRcvtimeoRunsOut() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull, timeout: 100)
    try await owner.bind(uniqueInproc())
    await #expect(throws: ZMQError.eagain) { try await owner.collectStrings() }
    try await owner.close()
    try ctx.term()
  }
}

extension SocketOwner {
  /// Runs `operation` on the actor and measures it there.
  func timed<T: Sendable>(_ operation: @Sendable (isolated SocketOwner) async throws -> T) async -> (
    result: Result<T, any Error>, elapsed: Duration
  ) {
    let start = ContinuousClock.now
    do {
      let value = try await operation(self)
      return (.success(value), ContinuousClock.now - start)
    } catch {
      return (.failure(error), ContinuousClock.now - start)
    }
  }

  /// Returns once `count` tasks are suspended waiting on this socket.
  func untilWaiting(count: Int = 1) async throws {
    try await eventually("no receive started waiting") { AsyncWaits.waiterCount(on: socket.handle) >= count }
  }

  /// Sends "fill" until a send would block; returns how many were queued.
  func fillUntilFull() throws -> Int {
    var queued = 0
    while try socket.send("fill", flags: .dontWait) != nil { queued += 1 }
    return queued
  }

  /// Receives `expected` integers in order, then the string "end".
  func receiveAll(expected: Int) async throws -> Int {
    var next: Int32 = 0
    var iterator = socket.messages.makeAsyncIterator()
    while let bytes = try await iterator.next() {
      if bytes == Array("end".utf8) { break }
      let value = bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
      guard value == next else {
        Issue.record("expected \(next), received \(value)")
        return Int(next)
      }
      next += 1
    }
    return Int(next)
  }
}
