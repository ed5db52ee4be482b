import Testing
import Synchronization
@testable import ZeroMQ

// The event loops end to end: which loop polls a wait, where the task is
// resumed, and that closing, cancelling, destroying and shutting down wake
// a waiter at once. "At once" is checked by events, not by clocks: right
// after the call that should wake the waiter returns, the loop no longer
// holds it, which only that call can have done (nothing re-checks on a
// timer any more).

/// Returns once the loop holds an armed waiter on `key`.
/// `key` is `nil` for a wait on descriptors alone (the async poller's).
func untilArmed(
  _ loop: ZMQEventLoop, _ key: SocketKey?, count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
  try await eventually("no wait was armed on \(loop)", sourceLocation: sourceLocation) {
    loop.armedCount(on: key) >= count
  }
}

/// Returns the socket identity a task put in `box`, once it is there.
func untilSet(_ box: KeyBox, sourceLocation: SourceLocation = #_sourceLocation) async throws -> SocketKey {
  try await eventually("the task never made its socket", sourceLocation: sourceLocation) {
    box.key.withLock { $0 } != nil
  }
  return box.key.withLock { $0 }!
}

/// An actor whose executor is an event loop.
actor LoopActor {
  let executor: ZMQEventLoop.ActorExecutor
  nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
  let loop: ZMQEventLoop
  let socket: Socket

  init(loop: ZMQEventLoop, context: Context, endpoint: String) throws {
    self.loop = loop
    executor = loop.actorExecutor
    socket = try makeSocket(context, .pull, timeout: asyncTimeout)
    try socket.bind(endpoint)
  }

  var key: SocketKey { SocketKey(socket.handle) }

  /// Receives a string; says whether the actor was resumed on the loop.
  func receive() async throws -> (String, Bool) {
    let text = try await socket.recvStringAsync()
    return (text, loop.inEventLoop)
  }
}

extension SocketOwner {
  /// Closes the socket and returns how many waits the shared loop still
  /// holds on it.
  func closeThenArmedCount() throws -> Int {
    let key = SocketKey(socket.handle)
    try socket.close()
    return ZMQEventLoop.shared.armedCount(on: key)
  }

  var key: SocketKey { SocketKey(socket.handle) }
}

/// Sends `text` to `endpoint` from a socket of its own, once `loop` holds a
/// wait on `key`.
func sendWhenArmed(_ context: Context, _ endpoint: String, _ text: String, loop: ZMQEventLoop, key: SocketKey) -> Task<
  Void, any Error
> {
  Task {
    try await untilArmed(loop, key)
    let push = try makeSocket(context, .push, timeout: asyncTimeout)
    try push.connect(endpoint)
    try await push.sendAsync(text)
    // makeSocket's linger of 0 would let close() discard the part before
    // the receiver, woken but not yet run, has read it.
    try push.set(.linger, 1000)
    try push.close()
  }
}

@Suite("async event loops") struct AsyncEventLoopTests {
  @Test func aTaskPreferringALoopWaitsOnItAndResumesOnItsThread() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "prefer")
    defer { loop.shutdown() }
    let endpoint = uniqueInproc()
    let (text, onLoop) = try await Task(executorPreference: loop) {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(endpoint)
      let sender = sendWhenArmed(ctx, endpoint, "hello", loop: loop, key: SocketKey(pull.handle))
      let text = try await pull.recvStringAsync()
      let onLoop = loop.inEventLoop
      try await sender.value
      try pull.close()
      return (text, onLoop)
    }.value
    #expect(text == "hello")
    #expect(onLoop, "the task went on on the loop's thread: no second hop")
    try ctx.term()
  }

  @Test func withTaskExecutorPreferenceRunsTheOperationOnTheLoop() async throws {
    let loop = ZMQEventLoop(name: "scoped")
    defer { loop.shutdown() }
    let onLoop = await withTaskExecutorPreference(loop) { loop.inEventLoop }
    #expect(onLoop)
    #expect(!loop.inEventLoop)
  }

  @Test func anActorOnTheLoopIsResumedOnTheLoopThread() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "actor")
    defer { loop.shutdown() }
    let endpoint = uniqueInproc()
    let actor = try LoopActor(loop: loop, context: ctx, endpoint: endpoint)
    let sender = sendWhenArmed(ctx, endpoint, "to the actor", loop: loop, key: await actor.key)
    let (text, onLoop) = try await actor.receive()
    try await sender.value
    #expect(text == "to the actor")
    #expect(onLoop)
  }

  @Test func theSocketsLoopPollsForCodeThatRunsOnNoLoop() async throws {
    let ctx = try Context()
    let own = ZMQEventLoop(name: "assigned")
    defer { own.shutdown() }
    let endpoint = uniqueInproc()
    let (text, assigned, afterClose) = try await Task.detached {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(endpoint)
      #expect(pull.eventLoop === ZMQEventLoop.shared)
      pull.eventLoop = own
      let sender = sendWhenArmed(ctx, endpoint, "via the assigned loop", loop: own, key: SocketKey(pull.handle))
      let text = try await pull.recvStringAsync()
      try await sender.value
      let assigned = pull.eventLoop === own
      try pull.close()
      return (text, assigned, pull.eventLoop === ZMQEventLoop.shared)
    }.value
    #expect(text == "via the assigned loop")
    #expect(assigned)
    #expect(afterClose, "a closed socket forgets its loop")
    try ctx.term()
  }

  @Test func closingTheSocketRemovesItsWaitAtOnce() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull)
    try await owner.bind(uniqueInproc())
    let waiting = await owner.start { try await $0.recvStringAsync() }
    try await untilArmed(.shared, await owner.key)
    #expect(try await owner.closeThenArmedCount() == 0)
    let result = await waiting.value.result
    #expect(throws: ZMQError.enotsock) { try result.get() }
    try ctx.term()
  }

  @Test func cancellingRemovesTheWaitAtOnce() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "cancel")
    defer { loop.shutdown() }
    let keyBox = KeyBox()
    let waiting = Task(executorPreference: loop) {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(uniqueInproc("cancellingRemovesTheWaitAtOnce"))
      keyBox.key.withLock { $0 = SocketKey(pull.handle) }
      defer { try? pull.close() }
      return try await pull.recvAsync()
    }
    let key = try await untilSet(keyBox)
    try await untilArmed(loop, key)
    waiting.cancel()
    #expect(loop.armedCount(on: key) == 0, "the cancellation handler took the wait away")
    await #expect(throws: CancellationError.self) { try await waiting.value }
    try ctx.term()
  }

  @Test func destroyingTheContextRemovesTheWaitAtOnce() async throws {
    let ctx = try Context()
    let owner = try SocketOwner(ctx, .pull)
    try await owner.bind(uniqueInproc())
    let key = await owner.key
    let waiting = await owner.start { try await $0.recvStringAsync() }
    try await untilArmed(.shared, key)
    try ctx.destroy(linger: 0)
    #expect(ZMQEventLoop.shared.armedCount(on: key) == 0)
    let result = await waiting.value.result
    #expect(throws: ZMQError.enotsock) { try result.get() }
  }

  @Test func shuttingTheContextDownWakesAWaiterOnALoop() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "ctx-shutdown")
    defer { loop.shutdown() }
    let keyBox = KeyBox()
    let waiting = Task(executorPreference: loop) {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(uniqueInproc("shuttingTheContextDownWakesAWaiterOnALoop"))
      keyBox.key.withLock { $0 = SocketKey(pull.handle) }
      defer { try? pull.close() }
      return try await pull.recvAsync()
    }
    let key = try await untilSet(keyBox)
    try await untilArmed(loop, key)
    try ctx.shutdown()
    await #expect(throws: ZMQError.eterm) { try await within(60, "the waiter") { try await waiting.value } }
    try ctx.term()
  }

  @Test func shuttingALoopDownEndsItsWaitsAndRefusesNewOnes() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "shutdown")
    let keyBox = KeyBox()
    let endpoint = uniqueInproc()
    let waiting = Task(executorPreference: loop) {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(endpoint)
      keyBox.key.withLock { $0 = SocketKey(pull.handle) }
      defer { try? pull.close() }
      return try await pull.recvAsync()
    }
    let key = try await untilSet(keyBox)
    try await untilArmed(loop, key)
    loop.shutdown()
    #expect(loop.isShutDown)
    await #expect(throws: ZMQEventLoopError.shutDown) { try await within(60, "the waiter") { try await waiting.value } }
    // A socket assigned to the stopped loop cannot wait any more; a task
    // that still prefers the loop still runs (on the global executor).
    let later = try await Task(executorPreference: loop) { () -> Result<[UInt8], any Error> in
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      defer { try? pull.close() }
      pull.eventLoop = loop
      return await Result(catching: { try await pull.recvAsync() })
    }.value
    #expect(throws: ZMQEventLoopError.shutDown) { try later.get() }
    try ctx.term()
  }

  @Test func aGroupHandsOutItsLoopsInTurn() {
    let group = ZMQEventLoopGroup(loopCount: 3, name: "group")
    defer { group.shutdown() }
    #expect(group.loops.count == 3)
    let handedOut = (0..<6).map { _ in group.next() }
    #expect(handedOut[0] !== handedOut[1] && handedOut[1] !== handedOut[2] && handedOut[0] !== handedOut[2])
    #expect(handedOut[3] === handedOut[0] && handedOut[5] === handedOut[2])
    let smallest = ZMQEventLoopGroup(loopCount: 0)
    defer { smallest.shutdown() }
    #expect(smallest.loops.count == 1, "at least one loop")
  }
}

/// Hands a socket's identity out of the task that owns the socket.
final class KeyBox: Sendable {
  let key = Mutex<SocketKey?>(nil)
}

extension Result where Failure == any Error {
  /// Catches the error of an async body.
  init(catching body: () async throws -> Success) async {
    do {
      self = .success(try await body())
    } catch {
      self = .failure(error)
    }
  }
}
