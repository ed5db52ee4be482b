import Synchronization

/// A thread that runs tasks and waits for sockets: the executor of the
/// library's async operations.
///
/// An event loop is one thread that does two things in turn: it runs the
/// jobs enqueued on it, and when there are none it sleeps in poll(2) on the
/// notification descriptors of the sockets that async operations wait for.
/// When a task runs on the loop — because it prefers the loop as its
/// executor, or because it is isolated to an actor whose executor is the
/// loop — a socket that becomes ready resumes the waiting task right there,
/// on the loop's thread: one wake-up per message, as a blocking call has.
/// When that task is all the loop has to do (no other job queued, no other
/// wait to poll), the thread polls the socket inside the task's own step
/// rather than suspending it, and the task goes on without passing through
/// the scheduler at all; a job enqueued on the loop meanwhile, another
/// wait, a cancellation, a close or a shut-down interrupts that poll at
/// once, and the task then suspends as usual.
///
/// ```swift
/// let loop = ZMQEventLoop.shared
/// try await withTaskExecutorPreference(loop) {
///   let reply = try await socket.recvStringAsync()
/// }
/// ```
///
/// Code that does not run on a loop can still await sockets: their waits
/// are polled by the socket's ``Socket/eventLoop`` (``shared`` unless set),
/// and the task is then resumed on its own executor, one thread hop later.
///
/// The loop is a `TaskExecutor` (for `withTaskExecutorPreference(_:operation:)`
/// and `Task(executorPreference:)`), and its ``actorExecutor`` is a
/// `SerialExecutor` for an actor's `unownedExecutor`. It runs one job at a
/// time, in the order they were enqueued. A job that blocks the thread — a
/// synchronous receive without `.dontWait`, a sleep — holds up every task
/// and wait of the loop.
///
/// A loop runs until ``shutdown()``; make one per core with
/// ``ZMQEventLoopGroup``.
public final class ZMQEventLoop: TaskExecutor, Sendable, CustomStringConvertible {
  typealias Continuation = UnsafeContinuation<WakeReason, Never>
  typealias Machine = WaiterStateMachine<Continuation>

  private struct State {
    var machine = Machine()
    /// Jobs waiting to run, in order, and whether each came through
    /// ``actorExecutor`` (then it runs isolated to it).
    var jobs: [(job: UnownedJob, isolated: Bool)] = []
    /// The thread is in poll(2), or about to be: a change must signal the
    /// wake-up descriptor.
    var polling = false
    /// The wake-up descriptor was signalled and not drained yet.
    var wakePending = false
    /// `shutdown()` was called.
    var shutDownRequested = false
    /// The thread has ended; jobs go to the global executor.
    var exited = false
    /// How many waits were polled inline (for tests).
    var inlinePolls = 0
  }

  private let state = Mutex(State())
  private let wakeUp: SystemCalls.WakeUpDescriptor
  /// How many jobs of the batch the thread is running come after the
  /// current one. Touched only by the loop's own thread (the run loop sets
  /// it; an inline wait, which checks that it runs there first, reads it).
  nonisolated(unsafe) private var jobsLeftInBatch = 0
  /// The thread's name, also in ``description``.
  public let name: String

  /// The loop every socket uses unless told otherwise, started on first
  /// use. It can be shut down like any other (for example before a leak
  /// check at the end of a program); async waits that would need it then
  /// fail with ``ZMQEventLoopError/shutDown``.
  public static let shared = ZMQEventLoop(name: "zmq-event-loop")

  /// Starts a loop on a thread of its own.
  ///
  /// - Parameter name: the thread's name (shown by debuggers; the first 15
  ///   bytes on Linux).
  public init(name: String = "zmq-event-loop") {
    guard let wakeUp = SystemCalls.WakeUpDescriptor.make() else {
      preconditionFailure("swift-zeromq: cannot create an event loop's wake-up descriptor (out of descriptors?)")
    }
    self.wakeUp = wakeUp
    self.name = name
    AsyncWaits.loopStarted(self)
    // The thread holds the loop until it ends, after `shutdown()`.
    let started = SystemCalls.startThread(named: name) { [self] in run() }
    precondition(started, "swift-zeromq: cannot start an event loop thread")
  }

  public var description: String { "ZMQEventLoop(\(name))" }

  /// The loop whose thread is the current one, if any.
  static var current: ZMQEventLoop? {
    guard let pointer = slot.value else { return nil }
    return Unmanaged<ZMQEventLoop>.fromOpaque(pointer).takeUnretainedValue()
  }

  /// Whether the caller runs on this loop's thread.
  public var inEventLoop: Bool { Self.slot.value == Unmanaged.passUnretained(self).toOpaque() }

  private static let slot = SystemCalls.ThreadSlot()

  // MARK: Executor

  public func enqueue(_ job: consuming ExecutorJob) {
    enqueue(UnownedJob(job), isolated: false)
  }

  private func enqueue(_ job: UnownedJob, isolated: Bool) {
    let outcome = state.withLock { state -> Bool? in
      if state.exited { return nil }
      state.jobs.append((job, isolated))
      return wakeIfPolling(&state)
    }
    switch outcome {
    case nil: globalConcurrentExecutor.enqueue(ExecutorJob(job))
    case true?: wakeUp.signal()
    case false?: break
    }
  }

  public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
    UnownedTaskExecutor(ordinary: self)
  }

  /// The loop as the serial executor of actors: an actor that keeps it and
  /// returns its `asUnownedSerialExecutor()` as `unownedExecutor` runs on
  /// the loop's thread, and its socket waits resume it there.
  ///
  /// ```swift
  /// actor Worker {
  ///   let executor = ZMQEventLoop.shared.actorExecutor
  ///   nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
  /// }
  /// ```
  ///
  /// Every call returns the same object, which keeps the loop alive. (The
  /// loop itself is only a task executor: code running as a task on it is
  /// not isolated to anything, so calls to nonisolated functions do not have
  /// to leave it.)
  public var actorExecutor: ActorExecutor {
    actorExecutorStorage.withLock { stored in
      if let stored { return stored }
      let made = ActorExecutor(loop: self)
      stored = made
      return made
    }
  }

  /// Made on first use and held while the thread runs (the executor holds
  /// the loop too; the thread breaks that cycle when it ends).
  private let actorExecutorStorage = Mutex<ActorExecutor?>(nil)

  /// A ``ZMQEventLoop`` in its role as an actor's serial executor; see
  /// ``ZMQEventLoop/actorExecutor``.
  public final class ActorExecutor: SerialExecutor {
    /// The loop whose thread runs the actor.
    public let loop: ZMQEventLoop

    init(loop: ZMQEventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
      loop.enqueue(UnownedJob(job), isolated: true)
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
      UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
      precondition(loop.inEventLoop, "expected to run on \(loop), but the current thread is not its thread")
    }
  }

  /// Marks a wake-up as due when the thread is (about to be) polling;
  /// returns whether the caller must signal the descriptor.
  private func wakeIfPolling(_ state: inout State) -> Bool {
    guard state.polling && !state.wakePending else { return false }
    state.wakePending = true
    return true
  }

  /// After a change to the waiters: whether the caller must signal the
  /// descriptor, because it removed armed waiters (`removedArmed`: the poll
  /// set changed) or ended the inline poll of one, and the thread polls.
  private func wakeAfterChange(removedArmed: Bool, _ state: inout State) -> Bool {
    (removedArmed || state.machine.inlinePollInterrupted) && wakeIfPolling(&state)
  }

  // MARK: Shutting down

  /// Stops the loop: every async operation waiting on it throws
  /// ``ZMQEventLoopError/shutDown``, later waits on it fail the same way,
  /// and the thread ends once the jobs already enqueued have run.
  ///
  /// Jobs enqueued after that — a task that still prefers the loop — run on
  /// the global concurrent executor. An actor whose executor is the loop
  /// must not be used after it was shut down. Calling it again does nothing.
  public func shutdown() {
    let signal = state.withLock { state -> Bool in
      guard !state.shutDownRequested else { return false }
      state.shutDownRequested = true
      state.wakePending = true
      return true
    }
    if signal { wakeUp.signal() }
  }

  /// Whether ``shutdown()`` was called.
  public var isShutDown: Bool { state.withLock { $0.shutDownRequested } }

  // MARK: Waiting (called by async operations)

  /// Suspends until one of `descriptors` is reported readable, `deadline`
  /// passes, the socket is closed, another operation notifies this one,
  /// the task is cancelled or the loop shuts down.
  ///
  /// Runs on the caller's executor (`nonisolated(nonsending)`) and never
  /// leaves it before the suspension. The cancellation handler's scope is
  /// the standard library's executor-inheriting form: the isolated form
  /// checks the executor (a task status lock each time) on entering and on
  /// leaving it, about 600 instructions per wait, for a switch that can
  /// never be needed here since the caller's isolation is passed on
  /// unchanged. The operation captures that isolation, so it runs there
  /// too, and the continuation resumes there.
  nonisolated(nonsending) func wait(
    handle: SocketHandle?, descriptors: Machine.Descriptors, wanted: Int32, deadline: ContinuousClock.Instant?
  ) async -> WakeReason {
    // Counted before the waiter exists, and the handle checked after: a
    // close on another thread either finds the waiter or is seen here.
    if let handle { AsyncWaits.began(on: handle) }
    defer { if let handle { AsyncWaits.ended(on: handle) } }
    let id: WaiterID
    switch reserve(handle: handle, descriptors: descriptors, wanted: wanted, deadline: deadline) {
    case .success(let reserved): id = reserved
    case .failure(let reason): return reason.reason
    }
    let isolation = #isolation
    return await _unsafeInheritExecutor_withTaskCancellationHandler(
      operation: {
        if let reason = pollInline(id, descriptors, deadline: deadline) { return reason }
        return await withUnsafeContinuation(isolation: isolation) { continuation in
          arm(id, continuation)
        }
      },
      onCancel: { cancel(id) })
  }

  /// The wait without a suspension, when the waiting task runs on this
  /// loop's thread and the loop has nothing else to do: no other job to
  /// run, no other wait to poll. Then suspending the task would only have
  /// the thread return to its run loop, poll the same descriptor, and run
  /// the task again through the concurrency runtime; instead the thread
  /// polls the descriptor (and its wake-up descriptor) right here, and the
  /// task goes on as soon as it is reported, as a blocking receive in C
  /// does.
  ///
  /// Anything that needs the loop meanwhile signals the wake-up descriptor,
  /// because the loop counts as polling: a job enqueued, a wait armed from
  /// another thread, a shut-down, and — through the state machine — the
  /// cancellation, close or notification of this very wait. The poll then
  /// ends with the reason the wait is over, or with `nil` when it was only
  /// interrupted: the caller suspends as usual, and the run loop takes over.
  ///
  /// - Returns: why the wait ended, or `nil` to suspend.
  private func pollInline(
    _ id: WaiterID, _ descriptors: Machine.Descriptors, deadline: ContinuousClock.Instant?
  ) -> WakeReason? {
    // The thread check first: only the loop's thread may read its batch
    // counter.
    guard case .one(let fd) = descriptors, inEventLoop, jobsLeftInBatch == 0 else { return nil }
    let began = state.withLock { state -> Bool in
      guard state.jobs.isEmpty, !state.shutDownRequested, state.machine.beginInlinePoll(id) else { return false }
      state.polling = true
      state.inlinePolls += 1
      return true
    }
    guard began else { return nil }
    let timeout = deadline.map { Self.milliseconds(roundingUp: max($0 - .now, .zero)) } ?? -1
    let polled = SystemCalls.poll(wakeUp.readEnd, fd, timeout: timeout)
    if polled.first { wakeUp.drain() }
    return state.withLock { state in
      state.polling = false
      state.wakePending = false
      return state.machine.endInlinePoll(id, reported: polled.second, now: .now)
    }
  }

  /// Why ``reserve(handle:descriptors:wanted:deadline:)`` made no waiter.
  private struct NotReserved: Error {
    let reason: WakeReason
  }

  /// The synchronous part of a wait (kept out of the async body, whose
  /// temporaries would each cost a task allocation): a waiter, or why there
  /// is none.
  private func reserve(
    handle: SocketHandle?, descriptors: Machine.Descriptors, wanted: Int32, deadline: ContinuousClock.Instant?
  ) -> Result<WaiterID, NotReserved> {
    let socket = handle.map(SocketKey.init)
    return state.withLock { state in
      guard let id = state.machine.reserve(socket: socket, descriptors: descriptors, wanted: wanted, deadline: deadline)
      else { return .failure(NotReserved(reason: .shutDown)) }
      if let handle, handle.isClosed {
        state.machine.discard(id)
        return .failure(NotReserved(reason: .closed))
      }
      return .success(id)
    }
  }

  private func arm(_ id: WaiterID, _ continuation: Continuation) {
    let (action, signal) = state.withLock { state in
      let action = state.machine.arm(id, continuation)
      if case .suspended = action { return (action, wakeIfPolling(&state)) }
      return (action, false)
    }
    if case .resume(let continuation, let reason) = action {
      continuation.resume(returning: reason)
    }
    if signal { wakeUp.signal() }
  }

  private func cancel(_ id: WaiterID) {
    let (continuation, signal) = state.withLock { state in
      let continuation = state.machine.cancel(id)
      return (continuation, wakeAfterChange(removedArmed: continuation != nil, &state))
    }
    continuation?.resume(returning: .cancelled)
    if signal { wakeUp.signal() }
  }

  /// Wakes the waiters on `socket` whose operation `events` allows.
  func notify(_ socket: SocketKey, events: Int32) {
    let (woken, signal) = state.withLock { state in
      let woken = state.machine.notify(socket, events: events)
      return (woken, wakeAfterChange(removedArmed: !woken.isEmpty, &state))
    }
    for continuation in woken { continuation.resume(returning: .notified) }
    if signal { wakeUp.signal() }
  }

  /// Wakes every waiter on a socket that was just closed.
  func socketClosed(_ socket: SocketKey) {
    let (woken, signal) = state.withLock { state in
      let woken = state.machine.socketClosed(socket)
      return (woken, wakeAfterChange(removedArmed: !woken.isEmpty, &state))
    }
    for continuation in woken { continuation.resume(returning: .closed) }
    if signal { wakeUp.signal() }
  }

  /// Whether anybody waits on `socket` on this loop (for tests).
  func waiterCount(on socket: SocketKey) -> Int { state.withLock { $0.machine.waiterCount(on: socket) } }

  /// How many wait on `socket` with their descriptor polled, by the run
  /// loop or inline (for tests).
  func armedCount(on socket: SocketKey?) -> Int { state.withLock { $0.machine.armedCount(on: socket) } }

  /// How many waits this loop has polled inline so far (for tests).
  var inlinePollCount: Int { state.withLock { $0.inlinePolls } }

  // MARK: The thread

  /// After this many batches of jobs in a row, the loop polls without
  /// sleeping before the next batch, so that tasks that keep enqueuing
  /// work cannot starve the waiters.
  private static let batchesBetweenPolls = 16

  private func run() {
    Self.slot.value = Unmanaged.passUnretained(self).toOpaque()
    var batch: [(job: UnownedJob, isolated: Bool)] = []
    var descriptors: [PollDescriptor] = []
    var fds: [Int32] = []
    var owners: [WaiterID] = []
    var version: UInt64 = .max
    var reported: [WaiterID] = []
    var woken: [(Continuation, WakeReason)] = []
    var batchesSincePoll = 0
    let actorExecutor = self.actorExecutor
    let serial = actorExecutor.asUnownedSerialExecutor()
    let executor = asUnownedTaskExecutor()

    enum Step {
      case runJobs
      case poll(timeout: Int32, rebuilt: Bool)
      case shutDown([Continuation])
      case exit
    }

    while true {
      let step = state.withLock { state -> Step in
        if state.shutDownRequested && !state.machine.isShutDown {
          return .shutDown(state.machine.shutDown())
        }
        if !state.jobs.isEmpty && batchesSincePoll < Self.batchesBetweenPolls {
          swap(&state.jobs, &batch)
          return .runJobs
        }
        if state.jobs.isEmpty && state.machine.isShutDown {
          state.exited = true
          return .exit
        }
        var rebuilt = false
        if version != state.machine.pollSetVersion {
          state.machine.pollSet(wakeUp: wakeUp.readEnd, into: &fds, owners: &owners)
          version = state.machine.pollSetVersion
          rebuilt = true
        }
        let timeout: Int32
        if !state.jobs.isEmpty {
          timeout = 0
        } else {
          state.polling = true
          timeout = state.machine.pollTimeout(now: .now).map(Self.milliseconds(roundingUp:)) ?? -1
        }
        return .poll(timeout: timeout, rebuilt: rebuilt)
      }

      switch step {
      case .runJobs:
        batchesSincePoll += 1
        for (index, (job, isolated)) in batch.enumerated() {
          jobsLeftInBatch = batch.count - 1 - index
          if isolated {
            job.runSynchronously(isolatedTo: serial, taskExecutor: executor)
          } else {
            job.runSynchronously(on: executor)
          }
        }
        batch.empty()

      case .shutDown(let armed):
        for continuation in armed { continuation.resume(returning: .shutDown) }

      case .exit:
        Self.slot.value = nil
        actorExecutorStorage.withLock { $0 = nil }
        wakeUp.close()
        AsyncWaits.loopEnded(self)
        return

      case .poll(let timeout, let rebuilt):
        batchesSincePoll = 0
        if rebuilt {
          descriptors.empty()
          for fd in fds { descriptors.append(SystemCalls.pollDescriptor(fd)) }
        }
        let count = SystemCalls.poll(&descriptors, timeout: timeout)
        reported.empty()
        if count > 0 {
          if SystemCalls.isReported(descriptors[0]) { wakeUp.drain() }
          for index in 1..<descriptors.count where SystemCalls.isReported(descriptors[index]) {
            reported.append(owners[index])
          }
        }
        state.withLock { state in
          state.polling = false
          state.wakePending = false
          if !reported.isEmpty || state.machine.hasDeadlines {
            state.machine.pollReturned(reported: reported, now: .now, into: &woken)
          }
        }
        for (continuation, reason) in woken { continuation.resume(returning: reason) }
        woken.empty()
      }
    }
  }

  /// A poll(2) timeout that never wakes before `duration` has passed.
  private static func milliseconds(roundingUp duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
  }
}

/// Why an async operation could not wait.
public enum ZMQEventLoopError: Error, Sendable, Equatable {
  /// The event loop that would poll the wait was shut down
  /// (``ZMQEventLoop/shutdown()``).
  case shutDown
}
