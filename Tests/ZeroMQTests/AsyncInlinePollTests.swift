import Synchronization
import Testing
@testable import ZeroMQ

// The event loop's inline wait: a task that is all its loop has to do waits
// without suspending — the loop's thread polls the socket inside the task's
// step. These tests check that the path is taken (the loop's count of
// inline polls), that it delivers every part, that it ends on each event
// that ends a suspended wait, and that other work for the loop interrupts
// it at once rather than waiting behind it.

/// Sends `count` numbered parts to `endpoint` from a task on no loop,
/// pausing between them so that most receives find nothing and wait.
private func sendSlowly(_ ctx: Context, _ endpoint: String, count: Int) -> Task<Void, any Error> {
  Task.detached {
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    for index in 0..<count {
      try await Task.sleep(for: .milliseconds(2))
      try push.send(Int32(index))
    }
    try push.set(.linger, 5000)
    try push.close()
  }
}

@Suite("async inline waits") struct AsyncInlinePollTests {
  @Test func aLoneTaskOnALoopWaitsInlineAndGetsEveryPartInOrder() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "inline")
    defer { loop.shutdown() }
    let endpoint = uniqueInproc()
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.bind(endpoint)
    nonisolated(unsafe) let receiving = pull
    let sender = sendSlowly(ctx, endpoint, count: 40)
    let received = try await Task(executorPreference: loop) {
      var received: [Int32] = []
      let message = Message()
      for _ in 0..<40 {
        try await receiving.recvAsync(into: message)
        received.append(message.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
      }
      return received
    }.value
    try await sender.value
    #expect(received == Array(0..<40))
    #expect(loop.inlinePollCount > 0, "the receives that waited were polled inline")
    try pull.close()
    try ctx.term()
  }

  @Test func aJobForTheLoopInterruptsAnInlineWaitAtOnce() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "interrupt")
    defer { loop.shutdown() }
    let endpoint = uniqueInproc()
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.bind(endpoint)
    let key = SocketKey(pull.handle)
    nonisolated(unsafe) let receiving = pull
    let waiting = Task(executorPreference: loop) { try await receiving.recvStringAsync() }
    try await untilArmed(loop, key)
    #expect(loop.inlinePollCount == 1)
    // The loop's thread is inside the waiting task's step; another task for
    // the loop must still run now, not when a part arrives.
    let ranOnLoop = try await within(60, "a task enqueued behind an inline wait") {
      await Task(executorPreference: loop) { loop.inEventLoop }.value
    }
    #expect(ranOnLoop)
    try await untilArmed(loop, key)  // the receive waits on, suspended now
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try push.send("after the interruption")
    #expect(try await waiting.value == "after the interruption")
    try push.close()
    try pull.close()
    try ctx.term()
  }

  @Test func cancellingAnInlineWaitEndsItAtOnceAndTakesNothing() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "inline-cancel")
    defer { loop.shutdown() }
    let endpoint = uniqueInproc()
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.bind(endpoint)
    let key = SocketKey(pull.handle)
    nonisolated(unsafe) let receiving = pull
    let waiting = Task(executorPreference: loop) { try await receiving.recvStringAsync() }
    try await untilArmed(loop, key)
    #expect(loop.inlinePollCount == 1)
    waiting.cancel()
    #expect(loop.armedCount(on: key) == 0, "the cancellation ended the inline poll's claim at once")
    await #expect(throws: CancellationError.self) {
      try await within(60, "the cancelled wait") { try await waiting.value }
    }
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try push.send("kept")
    #expect(try pull.recvString() == "kept", "the cancelled receive took nothing")
    try push.close()
    try pull.close()
    try ctx.term()
  }

  @Test func destroyingTheContextEndsAnInlineWait() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "inline-destroy")
    defer { loop.shutdown() }
    let keyBox = KeyBox()
    let waiting = Task(executorPreference: loop) {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(uniqueInproc())
      keyBox.key.withLock { $0 = SocketKey(pull.handle) }
      return try await pull.recvAsync()
    }
    let key = try await untilSet(keyBox)
    try await untilArmed(loop, key)
    #expect(loop.inlinePollCount == 1)
    try ctx.destroy(linger: 0)
    #expect(loop.armedCount(on: key) == 0)
    await #expect(throws: ZMQError.enotsock) { try await within(60, "the waiter") { try await waiting.value } }
  }

  @Test func anInlineWaitTimesOutAsTheSynchronousReceiveDoes() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "inline-timeout")
    defer { loop.shutdown() }
    let elapsed = try await Task(executorPreference: loop) { () -> Duration in
      let pull = try makeSocket(ctx, .pull, timeout: 60)
      defer { try? pull.close() }
      try pull.bind(uniqueInproc())
      let start = ContinuousClock.now
      await #expect(throws: ZMQError.eagain) { try await pull.recvAsync() }
      return ContinuousClock.now - start
    }.value
    #expect(elapsed >= .milliseconds(60))
    #expect(loop.inlinePollCount == 1)
    try ctx.term()
  }

  @Test func shuttingTheLoopDownEndsAnInlineWait() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "inline-shutdown")
    let endpoint = uniqueInproc()
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.bind(endpoint)
    let key = SocketKey(pull.handle)
    nonisolated(unsafe) let receiving = pull
    let waiting = Task(executorPreference: loop) { try await receiving.recvAsync() }
    try await untilArmed(loop, key)
    #expect(loop.inlinePollCount == 1)
    loop.shutdown()
    await #expect(throws: ZMQEventLoopError.shutDown) {
      try await within(60, "the waiter") { try await waiting.value }
    }
    try pull.close()
    try ctx.term()
  }
}
