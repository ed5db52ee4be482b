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

/// A pull socket bound to a fresh endpoint, and a task on a loop of its
/// own that receives a string from it: once `start` returns, the receive
/// is polled inline (the loop has nothing else to do).
private struct InlineReceive {
  let ctx: Context
  let loop: ZMQEventLoop
  let endpoint = uniqueInproc()
  let pull: Socket
  let key: SocketKey
  let task: Task<String, any Error>

  init(loopName: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    ctx = try Context()
    loop = ZMQEventLoop(name: loopName)
    pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.bind(endpoint)
    key = SocketKey(pull.handle)
    nonisolated(unsafe) let receiving = pull
    task = Task(executorPreference: loop) { try await receiving.recvStringAsync() }
    try await untilArmed(loop, key, sourceLocation: sourceLocation)
    #expect(loop.inlinePollCount == 1, "the receive is polled inline", sourceLocation: sourceLocation)
  }

  /// Sends `text` to the pull socket from a socket of its own.
  func send(_ text: String) throws {
    let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try push.send(text)
    try push.close()
  }

  func end() throws {
    loop.shutdown()
    try pull.close()
    try ctx.term()
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
    let wait = try await InlineReceive(loopName: "interrupt")
    let loop = wait.loop
    // The loop's thread is inside the waiting task's step; another task for
    // the loop must still run now, not when a part arrives.
    let ranOnLoop = try await within(60, "a task enqueued behind an inline wait") {
      await Task(executorPreference: loop) { loop.inEventLoop }.value
    }
    #expect(ranOnLoop)
    try await untilArmed(loop, wait.key)  // the receive waits on, suspended now
    try wait.send("after the interruption")
    #expect(try await wait.task.value == "after the interruption")
    try wait.end()
  }

  @Test func cancellingAnInlineWaitEndsItAtOnceAndTakesNothing() async throws {
    let wait = try await InlineReceive(loopName: "inline-cancel")
    wait.task.cancel()
    #expect(wait.loop.armedCount(on: wait.key) == 0, "the cancellation ended the inline poll's claim at once")
    let task = wait.task
    await #expect(throws: CancellationError.self) {
      try await within(60, "the cancelled wait") { try await task.value }
    }
    try wait.send("kept")
    #expect(try wait.pull.recvString() == "kept", "the cancelled receive took nothing")
    try wait.end()
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
    let wait = try await InlineReceive(loopName: "inline-shutdown")
    wait.loop.shutdown()
    let task = wait.task
    await #expect(throws: ZMQEventLoopError.shutDown) {
      try await within(60, "the waiter") { try await task.value }
    }
    try wait.end()
  }
}
