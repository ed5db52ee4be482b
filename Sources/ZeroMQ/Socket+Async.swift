internal import CZeroMQ
import Synchronization

// The loop every async operation runs, on top of libzmq's notification
// descriptor.
//
// libzmq gives every socket a file descriptor (`ZMQ_FD`) that becomes
// readable when the socket has *commands* to process — not when a message
// can be received. It behaves like an edge trigger: any call into the socket
// may process those commands and leave the descriptor quiet even though
// messages are waiting. The only reliable state is `ZMQ_EVENTS`. So every
// async operation follows the same steps, on the caller's executor:
//
//   1. try the operation with `ZMQ_DONTWAIT`; done if it succeeded;
//   2. read `ZMQ_EVENTS` (which processes pending commands and re-arms the
//      descriptor); if the operation is now possible, go to 1. A receive
//      skips this step when nothing else waits on the socket: libzmq's
//      non-blocking receive processes the pending commands itself before it
//      reports `EAGAIN`, so the descriptor is already drained and armed;
//   3. only then suspend until an event loop sees the descriptor readable
//      (or the deadline from `.rcvtimeo`/`.sndtimeo` passes, the socket is
//      closed, the task is cancelled), and go to 1.
//
// Because the commands are processed after the descriptor was drained and
// before the wait starts, no wake-up can be lost: anything that arrives
// afterwards makes the descriptor readable again. Other operations waiting
// on the same socket are told when this one's calls reveal that they can
// proceed (`AsyncWaits.notify`), since those calls may have consumed the
// edge they were waiting for.
//
// Which loop polls the descriptor: the one the caller runs on, when it runs
// on one (then the task is resumed right there, with no thread hop), else
// the socket's `eventLoop`. The loop never touches the socket: it polls the
// descriptor and resumes the continuation; every libzmq call of the
// operation runs on the caller's executor.

extension Socket {
  /// Which way an async operation goes.
  @usableFromInline
  enum AsyncDirection {
    case receive, send

    /// The `ZMQ_EVENTS` bit that says the operation can proceed.
    var event: Int32 { self == .receive ? ZMQ_POLLIN : ZMQ_POLLOUT }
    /// The option that limits how long the synchronous form would block.
    var timeoutOption: Int32 { self == .receive ? ZMQ_RCVTIMEO : ZMQ_SNDTIMEO }
  }

  /// The event loop that polls this socket's async waits when the waiting
  /// code does not itself run on an event loop; ``ZMQEventLoop/shared``
  /// unless set.
  ///
  /// ```swift
  /// let group = ZMQEventLoopGroup(loopCount: 2)
  /// socket.eventLoop = group.next()
  /// ```
  ///
  /// Code running on a loop (a task that prefers it as executor, an actor
  /// whose executor it is) always waits on that loop instead, which saves a
  /// thread hop per wake-up. Setting it on a closed socket does nothing.
  public var eventLoop: ZMQEventLoop {
    get { AsyncWaits.assignedLoop(of: handle) ?? .shared }
    set {
      guard !handle.isClosed else { return }
      AsyncWaits.assign(newValue, to: handle)
    }
  }

  /// Runs `attempt` (a non-blocking send or receive that returns `nil` when
  /// it would block) until it succeeds, suspending in between.
  ///
  /// Runs entirely on the caller's executor (`nonisolated(nonsending)`): the
  /// socket never leaves the isolation domain that owns it. The public async
  /// methods and this first attempt are inlinable, so that a call that does
  /// not have to wait is inlined into the caller's own async function: it
  /// allocates no task frame and costs two plain calls besides the attempt
  /// (the cancellation check and, when other operations wait on the socket,
  /// `notifyOtherWaiters()`). Only a call that must wait enters
  /// ``waitUntilReady(_:_:)``, which is not generic: the result of the
  /// attempt that succeeds is kept here, in the caller's (specialised)
  /// frame, so a wait never looks up generic metadata at run time.
  @inlinable @inline(__always)
  nonisolated(nonsending) func untilReady<R>(_ direction: AsyncDirection, _ attempt: () throws -> R?) async throws -> R
  {
    try throwIfCancelled()
    if let result = try attempt() {
      attemptSucceeded()
      return result
    }
    var outcome: R? = nil
    try await waitUntilReady(direction) {
      outcome = try attempt()
      return outcome != nil
    }
    return outcome!
  }

  /// The common body of every async send: `flags` as given, plus
  /// `.dontWait` for each attempt. With `.dontWait` in `flags` the call
  /// never suspends and throws ``ZMQError/eagain`` when the part cannot be
  /// queued now.
  @inlinable @inline(__always)
  nonisolated(nonsending) func sendUntilReady(_ flags: SendFlags, _ send: (SendFlags) throws -> Int?) async throws
    -> Int
  {
    let attemptFlags = flags.union(.dontWait)
    guard flags.contains(.dontWait) else {
      return try await untilReady(.send) { try send(attemptFlags) }
    }
    try throwIfCancelled()
    guard let sent = try send(attemptFlags) else { throw ZMQError.eagain }
    attemptSucceeded()
    return sent
  }

  /// `Task.checkCancellation()` at a fraction of its cost (see
  /// `swiftzmq_current_task_is_cancelled` in the C shim).
  @usableFromInline
  func throwIfCancelled() throws {
    if swiftzmq_current_task_is_cancelled() { throw CancellationError() }
  }

  /// A successful call may have consumed a descriptor edge another task on
  /// this socket is waiting for: tell it what is possible now. Inlinable,
  /// so the fast path pays one atomic load (the count
  /// `AsyncWaits.hasWaiters(on:)` reads) when nothing else waits.
  @inlinable @inline(__always)
  func attemptSucceeded() {
    if handle.asyncWaits.load(ordering: .relaxed) > 0 { notifyOtherWaiters() }
  }

  /// The slow half of ``attemptSucceeded()``: some operation waits on the
  /// socket.
  @usableFromInline
  func notifyOtherWaiters() {
    // When the socket can no longer say (the operation closed it, or the
    // context is ending), wake everybody: they will find out.
    let events = (try? getOption(ZMQ_EVENTS, as: Int32.self)) ?? (ZMQ_POLLIN | ZMQ_POLLOUT)
    AsyncWaits.notify(SocketKey(handle), events: events)
  }

  /// The part of ``untilReady(_:_:)`` that waits: check `ZMQ_EVENTS`,
  /// suspend on the descriptor, try again.
  ///
  /// Only the suspension is async: the attempts and option reads between two
  /// waits run in ``prepareWait(_:_:deadline:)``, a synchronous function, so
  /// that their temporaries live on the thread's stack rather than in
  /// task-allocated frame memory (one allocation each in an async body).
  ///
  /// - Parameter attempt: one non-blocking attempt; `true` when it succeeded
  ///   (the caller keeps what it produced).
  @usableFromInline
  nonisolated(nonsending) func waitUntilReady(_ direction: AsyncDirection, _ attempt: () throws -> Bool) async throws {
    var deadline = WaitDeadline()
    // `untilReady` has just made an attempt that failed.
    var attempted = true
    while true {
      let fd: Int32
      switch try prepareWait(direction, attempt, attempted: attempted, deadline: &deadline) {
      case .done: return
      case .wait(let descriptor): fd = descriptor
      }
      let loop = ZMQEventLoop.current ?? eventLoop
      switch await loop.wait(handle: handle, descriptors: .one(fd), wanted: direction.event, deadline: deadline.instant)
      {
      case .readable, .notified, .closed:
        try throwIfCancelled()
        attempted = false
      case .cancelled:
        throw CancellationError()
      case .shutDown:
        throw ZMQEventLoopError.shutDown
      case .timedOut:
        if try attempt() {
          attemptSucceeded()
          return
        }
        throw ZMQError.eagain
      }
    }
  }

  /// One pass of the waiting loop up to the suspension: attempts (unless
  /// the caller just did) until the operation is known to be unable to
  /// proceed, reads the timeout the first time, and returns the descriptor
  /// to wait on.
  ///
  /// A receive that failed with `ZMQ_DONTWAIT` has already processed the
  /// socket's pending commands and found nothing to read, which leaves the
  /// notification descriptor quiet and armed: reading `ZMQ_EVENTS` again
  /// would only repeat that work (a poll(2) inside libzmq). So a receive
  /// reads it only when other operations wait on the socket, to tell them
  /// what the failed attempt revealed. A send that fails does not process
  /// commands, so it always reads `ZMQ_EVENTS` before waiting.
  private func prepareWait(
    _ direction: AsyncDirection, _ attempt: () throws -> Bool, attempted: Bool, deadline: inout WaitDeadline
  ) throws -> WaitStep {
    var attempted = attempted
    while true {
      if !attempted, try attempt() {
        attemptSucceeded()
        return .done
      }
      attempted = false
      let others = AsyncWaits.hasWaiters(on: handle)
      if direction == .send || others {
        let events = try getOption(ZMQ_EVENTS, as: Int32.self)
        if events & direction.event != 0 { continue }
        if events != 0 && others {
          AsyncWaits.notify(SocketKey(handle), events: events)
        }
      }
      if !deadline.known {
        let milliseconds = try getOption(direction.timeoutOption, as: Int32.self)
        if milliseconds == 0 { throw ZMQError.eagain }  // as the synchronous form
        deadline = WaitDeadline(known: true, instant: milliseconds < 0 ? nil : .now + .milliseconds(milliseconds))
      }
      return .wait(try getOption(ZMQ_FD, as: Int32.self))
    }
  }
}

/// What ``Socket/prepareWait(_:_:deadline:)`` found.
enum WaitStep {
  /// The operation succeeded.
  case done
  /// It must wait on this descriptor.
  case wait(Int32)
}

/// The deadline of an async operation, read from its timeout option before
/// its first wait.
struct WaitDeadline {
  /// Whether the option was read.
  var known = false
  /// When the operation gives up; `nil` for never.
  var instant: ContinuousClock.Instant?
}
