// Data and ContiguousBytes; FoundationEssentials, where the toolchain has
// it, avoids pulling all of Foundation (and ICU) into every client.
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Synchronization
internal import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// async/await on top of libzmq's notification descriptor.
//
// libzmq gives every socket a file descriptor (`ZMQ_FD`) that becomes
// readable when the socket has *commands* to process — not when a message
// can be received. It behaves like an edge trigger: any call into the socket
// may process those commands and leave the descriptor quiet even though
// messages are waiting. The only reliable state is `ZMQ_EVENTS`. So every
// async operation here follows the same loop, on the caller's executor:
//
//   1. try the operation with `ZMQ_DONTWAIT`; done if it succeeded;
//   2. read `ZMQ_EVENTS` (which processes pending commands and re-arms the
//      descriptor); if the operation is now possible, go to 1;
//   3. only then suspend until the descriptor is readable (or the deadline
//      from `.rcvtimeo`/`.sndtimeo` passes, or the task is cancelled), and
//      go to 1.
//
// Because step 2 happens after the descriptor was drained and before the
// wait starts, no wake-up can be lost: anything that arrives after step 2
// makes the descriptor readable again. Other tasks waiting on the same
// socket are told when this task's calls reveal that they can proceed
// (`FDReactor.notify`), since those calls may have consumed the edge they
// were waiting for.
//
// The waiting itself is done by one helper thread (`FDReactor`) that polls
// the descriptors of all suspended operations with poll(2). poll(2) was
// chosen over a DispatchSource per wait because the descriptor belongs to
// libzmq and can be closed by it at any moment (the socket is closed while
// we wait, the context is destroyed): poll(2) reports a closed descriptor
// as POLLNVAL, while a dispatch source must be cancelled before its
// descriptor is closed, which nobody here can guarantee. The helper never
// touches a socket that a task may be using — it only polls descriptors and
// resumes continuations; every libzmq call of a task runs on that task's
// executor. (The one exception is a monitor that was dropped before libzmq
// stopped it: its private PAIR socket is handed over to the helper, which
// then owns it alone; see `SocketMonitor`.)

// MARK: - The helper thread

/// Why a wait for a socket's descriptor ended. The waiter retries its
/// operation after all of them but `timedOut` and `cancelled`; the cases
/// are told apart so that tests can check which mechanism woke a waiter.
enum WakeReason: Sendable {
  /// The descriptor became readable (or poll(2) reported it invalid).
  case readable
  /// Another task's call on the socket revealed that the operation can
  /// proceed (`FDReactor.notify`).
  case notified
  /// The socket was closed.
  case closed
  /// Nothing happened for `recheckInterval`: look again anyway.
  case recheck
  /// The deadline from `.rcvtimeo`/`.sndtimeo` passed.
  case timedOut
  /// The waiting task was cancelled.
  case cancelled
}

/// The helper thread that waits on the notification descriptors of
/// suspended async operations (see the comment at the top of this file).
///
/// Everything it shares with tasks lives in `state`, behind a mutex; the
/// thread itself only owns its poll arrays. A waiter goes through
/// `reserve` (entry created, not yet polled), `arm` (continuation stored,
/// descriptor polled) and is removed by exactly one of: the thread (ready,
/// timed out), `cancel`, `notify`, or `arm` itself when the task was
/// cancelled in between. Whoever removes the entry resumes its
/// continuation, so each continuation is resumed exactly once.
final class FDReactor: Sendable {
  /// The one helper of the library, started on first use; it lives as long
  /// as the process.
  static let shared = FDReactor()

  /// How often suspended waiters are checked for a closed socket. Closing a
  /// socket (from the task that owns it, or by `Context.destroy(linger:)`)
  /// does not always signal its descriptor, so this bounds how long a wait
  /// on a closed socket lasts.
  let closeCheckInterval: Duration

  /// After this long without a wake-up, a waiter re-checks `ZMQ_EVENTS`
  /// anyway. This only matters when the socket was also used by synchronous
  /// calls (or a `Poller`) while an async operation was pending: those can
  /// consume the descriptor's edge without telling anybody.
  let recheckInterval: Duration

  private struct Waiter {
    let fd: Int32
    let handle: SocketHandle
    /// `ZMQ_POLLIN` or `ZMQ_POLLOUT`: what the waiter needs.
    let wanted: Int16
    let deadline: ContinuousClock.Instant?
    var armedAt: ContinuousClock.Instant
    /// `nil` while reserved.
    var continuation: UnsafeContinuation<WakeReason, Never>?
    /// Set by `cancel` before `arm` stored the continuation.
    var cancelled = false
  }

  /// A monitor PAIR socket abandoned by its `SocketMonitor` before libzmq
  /// stopped the monitor: the thread reads and discards its events until
  /// libzmq reports the monitor stopped or the context ends, then closes it
  /// (see `SocketMonitor.close()`).
  private struct Drain {
    /// The libzmq socket, owned by the helper thread alone.
    let bits: UInt
    let fd: Int32
    /// Whether the next message part is the first of an event.
    var atFirstPart = true
    /// Whether the event being read is `MONITOR_STOPPED`.
    var stopping = false
  }

  private struct State {
    var nextID: UInt64 = 0
    var waiters: [UInt64: Waiter] = [:]
    /// Number of entries in `waiters` per socket handle, so that `notify`
    /// costs one lookup when nobody else waits on the socket.
    var waitersPerSocket: [ObjectIdentifier: Int] = [:]
    var drains: [UInt64: Drain] = [:]
  }

  private let state = Mutex(State())
  /// A pipe that interrupts the thread's poll(2) when the set of
  /// descriptors changes.
  private let wakeRead: Int32
  private let wakeWrite: Int32

  /// Starts a helper thread. The library uses ``shared``; tests make their
  /// own to observe one mechanism at a time.
  init(closeCheckInterval: Duration = .milliseconds(100), recheckInterval: Duration = .seconds(1)) {
    self.closeCheckInterval = closeCheckInterval
    self.recheckInterval = recheckInterval
    var ends: [Int32] = [-1, -1]
    let made = ends.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
    precondition(made == 0, "swift-zeromq: cannot create the async helper's pipe (errno \(errno))")
    for end in ends {
      _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
    }
    wakeRead = ends[0]
    wakeWrite = ends[1]
    startThread()
  }

  private func startThread() {
    let context = Unmanaged.passRetained(self).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t?
    let created = pthread_create(&thread, nil, { context in
      let reactor = Unmanaged<FDReactor>.fromOpaque(context).takeRetainedValue()
      reactor.run()
    }, context)
    precondition(created == 0, "swift-zeromq: cannot start the async helper thread (error \(created))")
    pthread_detach(thread!)
    #else
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { context in
      let reactor = Unmanaged<FDReactor>.fromOpaque(context!).takeRetainedValue()
      reactor.run()
    }, context)
    precondition(created == 0, "swift-zeromq: cannot start the async helper thread (error \(created))")
    pthread_detach(thread)
    #endif
  }

  /// Interrupts the thread's current poll(2) so it picks up a change.
  private func poke() {
    var byte: UInt8 = 1
    // A full pipe already holds a pending wake-up; nothing is lost.
    _ = write(wakeWrite, &byte, 1)
  }

  // MARK: Waiting (called by tasks)

  /// Suspends until `fd` is readable, `deadline` passes, the socket is
  /// closed, or the calling task is cancelled.
  ///
  /// Everything up to the suspension runs on the caller's executor. The
  /// isolation is passed explicitly, not inherited with
  /// `nonisolated(nonsending)`: in Swift 6.3 the closure given to
  /// `withTaskCancellationHandler` inside a `nonsending` function does not
  /// inherit the caller's executor and would hop to the global pool first.
  func wait(
    fd: Int32, wanted: Int16, handle: SocketHandle, deadline: ContinuousClock.Instant?,
    isolation: isolated (any Actor)? = #isolation
  ) async -> WakeReason {
    let id = reserve(Waiter(fd: fd, handle: handle, wanted: wanted, deadline: deadline, armedAt: .now))
    return await withTaskCancellationHandler(
      operation: {
        await withUnsafeContinuation(isolation: isolation) { continuation in
          arm(id, continuation)
        }
      },
      onCancel: { cancel(id) },
      isolation: isolation)
  }

  private func reserve(_ waiter: Waiter) -> UInt64 {
    state.withLock { state in
      let id = state.nextID
      state.nextID &+= 1
      state.waiters[id] = waiter
      state.waitersPerSocket[ObjectIdentifier(waiter.handle), default: 0] += 1
      return id
    }
  }

  /// Removes a waiter's entry; the caller resumes its continuation.
  private static func remove(_ id: UInt64, from state: inout State) -> Waiter? {
    guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
    let key = ObjectIdentifier(waiter.handle)
    if let count = state.waitersPerSocket[key], count > 1 {
      state.waitersPerSocket[key] = count - 1
    } else {
      state.waitersPerSocket[key] = nil
    }
    return waiter
  }

  private func arm(_ id: UInt64, _ continuation: UnsafeContinuation<WakeReason, Never>) {
    let cancelled = state.withLock { state -> Bool in
      guard let waiter = state.waiters[id] else { return true }  // cannot happen
      if waiter.cancelled {
        _ = Self.remove(id, from: &state)
        return true
      }
      state.waiters[id]!.continuation = continuation
      state.waiters[id]!.armedAt = .now
      return false
    }
    if cancelled {
      continuation.resume(returning: .cancelled)
    } else {
      poke()
    }
  }

  private func cancel(_ id: UInt64) {
    let continuation = state.withLock { state -> UnsafeContinuation<WakeReason, Never>? in
      guard let waiter = state.waiters[id] else { return nil }  // already resumed
      guard let continuation = waiter.continuation else {
        state.waiters[id]!.cancelled = true  // `arm` will see it
        return nil
      }
      _ = Self.remove(id, from: &state)
      return continuation
    }
    if let continuation {
      continuation.resume(returning: .cancelled)
      poke()  // drop the descriptor from the poll set
    }
  }

  /// Whether any task is waiting on this socket; cheap enough to ask after
  /// every operation.
  func hasWaiters(on handle: SocketHandle) -> Bool {
    state.withLock { $0.waitersPerSocket[ObjectIdentifier(handle)] != nil }
  }

  /// How many tasks are waiting on this socket.
  func waiterCount(on handle: SocketHandle) -> Int {
    state.withLock { $0.waitersPerSocket[ObjectIdentifier(handle)] ?? 0 }
  }

  /// How many tasks are suspended on this socket with their descriptor
  /// polled (for tests).
  func armedCount(on handle: SocketHandle) -> Int {
    state.withLock { state in
      state.waiters.values.reduce(0) { $0 + ($1.handle === handle && $1.continuation != nil ? 1 : 0) }
    }
  }

  /// Wakes the tasks waiting on this socket for something `events`
  /// (a `ZMQ_EVENTS` value just read by another task) says is possible.
  func notify(_ handle: SocketHandle, events: Int32) {
    var woken: [UnsafeContinuation<WakeReason, Never>] = []
    state.withLock { state in
      guard state.waitersPerSocket[ObjectIdentifier(handle)] != nil else { return }
      let ids = state.waiters.compactMap { id, waiter in
        waiter.handle === handle && waiter.continuation != nil && Int32(waiter.wanted) & events != 0 ? id : nil
      }
      for id in ids {
        if let continuation = Self.remove(id, from: &state)?.continuation {
          woken.append(continuation)
        }
      }
    }
    for continuation in woken {
      continuation.resume(returning: .notified)
    }
  }

  // MARK: Abandoned monitors

  /// Takes over a monitor's PAIR socket (already taken from its
  /// `SocketHandle` and unregistered from its context), reading and
  /// discarding events until libzmq stops the monitor or the context ends.
  func adoptAbandonedMonitor(_ pointer: UnsafeMutableRawPointer) {
    var fd: Int32 = -1
    var size = MemoryLayout<Int32>.size
    if (try? CallFunnel.blocking({ zmq_getsockopt(pointer, ZMQ_FD, &fd, &size) })) == nil {
      Self.closeDrained(pointer)
      return
    }
    state.withLock { state in
      let id = state.nextID
      state.nextID &+= 1
      state.drains[id] = Drain(bits: UInt(bitPattern: pointer), fd: fd)
    }
    poke()
  }

  private static func closeDrained(_ pointer: UnsafeMutableRawPointer) {
    var linger: Int32 = 0
    _ = try? CallFunnel.check(zmq_setsockopt(pointer, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size))
    _ = try? CallFunnel.check(zmq_close(pointer))
  }

  /// Reads everything queued on an abandoned monitor socket; returns
  /// whether it is finished (and was closed).
  private static func service(_ drain: inout Drain) -> Bool {
    let pointer = UnsafeMutableRawPointer(bitPattern: drain.bits)!
    let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)  // rare path
    zmq_msg_init(message)
    defer {
      zmq_msg_close(message)
      message.deallocate()
    }
    while true {
      let received: Int32?
      do {
        received = try CallFunnel.nonBlocking(dontWait: true) { zmq_msg_recv(message, pointer, ZMQ_DONTWAIT) }
      } catch {
        closeDrained(pointer)  // ETERM: the context is ending
        return true
      }
      guard received != nil else { break }
      let more = zmq_msg_more(message) != 0
      if drain.atFirstPart {
        let size = zmq_msg_size(message)
        var code: UInt16 = 0
        if size == MonitorEvent.firstFrameSize {
          withUnsafeMutableBytes(of: &code) { $0.copyMemory(from: UnsafeRawBufferPointer(start: zmq_msg_data(message), count: 2)) }
        }
        drain.stopping = Int32(code) == ZMQ_EVENT_MONITOR_STOPPED
      }
      drain.atFirstPart = !more
      if !more && drain.stopping {
        closeDrained(pointer)
        return true
      }
    }
    // Re-arm the descriptor; a failure means the context is ending.
    var events: Int32 = 0
    var size = MemoryLayout<Int32>.size
    if (try? CallFunnel.blocking({ zmq_getsockopt(pointer, ZMQ_EVENTS, &events, &size) })) == nil {
      closeDrained(pointer)
      return true
    }
    return false
  }

  // MARK: The thread

  private func run() -> Never {
    var fds: [pollfd] = []
    var waiterIDs: [UInt64] = []
    var drainIDs: [UInt64] = []
    var woken: [(UnsafeContinuation<WakeReason, Never>, WakeReason)] = []
    var scratch = [UInt8](repeating: 0, count: 64)
    while true {
      fds.removeAll(keepingCapacity: true)
      waiterIDs.removeAll(keepingCapacity: true)
      drainIDs.removeAll(keepingCapacity: true)
      fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
      let timeout = state.withLock { state -> Int32 in
        let now = ContinuousClock.now
        var earliest: ContinuousClock.Instant?
        for (id, waiter) in state.waiters where waiter.continuation != nil {
          fds.append(pollfd(fd: waiter.fd, events: Int16(POLLIN), revents: 0))
          waiterIDs.append(id)
          var due = waiter.armedAt + recheckInterval
          if let deadline = waiter.deadline, deadline < due { due = deadline }
          if earliest == nil || due < earliest! { earliest = due }
        }
        for (id, drain) in state.drains {
          fds.append(pollfd(fd: drain.fd, events: Int16(POLLIN), revents: 0))
          drainIDs.append(id)
        }
        if waiterIDs.isEmpty && drainIDs.isEmpty { return -1 }
        var wait = closeCheckInterval
        if let earliest, earliest - now < wait { wait = earliest - now }
        if wait <= .zero { return 0 }
        let (seconds, attoseconds) = wait.components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
      }

      let count = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), timeout) }
      if count > 0 && fds[0].revents != 0 {
        while scratch.withUnsafeMutableBytes({ read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
      }

      state.withLock { state in
        let now = ContinuousClock.now
        for (index, id) in waiterIDs.enumerated() {
          guard let waiter = state.waiters[id], waiter.continuation != nil else { continue }
          let reason: WakeReason
          if fds[1 + index].revents != 0 {
            reason = .readable
          } else if waiter.handle.isClosed {
            reason = .closed
          } else if let deadline = waiter.deadline, deadline <= now {
            reason = .timedOut
          } else if now - waiter.armedAt >= recheckInterval {
            reason = .recheck
          } else {
            continue
          }
          woken.append((Self.remove(id, from: &state)!.continuation!, reason))
        }
        // Abandoned monitors are serviced on every pass: they are rare, and
        // a pass costs one non-blocking receive each.
        for id in drainIDs {
          guard var drain = state.drains[id] else { continue }
          if Self.service(&drain) {
            state.drains[id] = nil
          } else {
            state.drains[id] = drain
          }
        }
      }
      for (continuation, reason) in woken {
        continuation.resume(returning: reason)
      }
      woken.removeAll(keepingCapacity: true)
    }
  }
}

// MARK: - The async operation loop

extension Socket {
  /// Which way an async operation goes.
  enum AsyncDirection {
    case receive, send

    /// The `ZMQ_EVENTS` bit that says the operation can proceed.
    var event: Int16 { self == .receive ? Int16(ZMQ_POLLIN) : Int16(ZMQ_POLLOUT) }
    /// The option that limits how long the synchronous form would block.
    var timeoutOption: Int32 { self == .receive ? ZMQ_RCVTIMEO : ZMQ_SNDTIMEO }
  }

  /// Runs `attempt` (a non-blocking send or receive that returns `nil` when
  /// it would block) until it succeeds, suspending in between. See the
  /// comment at the top of this file for why this never misses a wake-up.
  ///
  /// Runs entirely on the caller's executor (`nonisolated(nonsending)`): the
  /// socket never leaves the isolation domain that owns it.
  ///
  /// The first attempt is made here, inlined into the public method, so a
  /// call that does not have to wait costs no further async frame; only a
  /// call that would block enters ``waitUntilReady(_:_:)``.
  @inline(__always)
  nonisolated(nonsending) func untilReady<R>(_ direction: AsyncDirection, _ attempt: () throws -> R?) async throws -> R {
    try Task.checkCancellation()
    if let result = try attempt() { return finished(result) }
    return try await waitUntilReady(direction, attempt)
  }

  /// A successful call may have consumed a descriptor edge another task on
  /// this socket is waiting for: tell it what is possible now.
  @inline(__always)
  private func finished<R>(_ result: R) -> R {
    let reactor = FDReactor.shared
    if reactor.hasWaiters(on: handle) {
      // When the socket can no longer say (the operation closed it, or the
      // context is ending), wake everybody: they will find out.
      let events = (try? getOption(ZMQ_EVENTS, as: Int32.self)) ?? Int32(ZMQ_POLLIN | ZMQ_POLLOUT)
      reactor.notify(handle, events: events)
    }
    return result
  }

  /// The part of ``untilReady(_:_:)`` that waits: check `ZMQ_EVENTS`,
  /// suspend on the descriptor, try again.
  nonisolated(nonsending)
  private func waitUntilReady<R>(_ direction: AsyncDirection, _ attempt: () throws -> R?) async throws -> R {
    let reactor = FDReactor.shared
    var deadline: ContinuousClock.Instant??  // outer nil: not read yet
    while true {
      if let result = try attempt() { return finished(result) }
      let events = try getOption(ZMQ_EVENTS, as: Int32.self)
      if events & Int32(direction.event) != 0 { continue }
      if events != 0 && reactor.hasWaiters(on: handle) {
        reactor.notify(handle, events: events)
      }
      if deadline == nil {
        let milliseconds = try getOption(direction.timeoutOption, as: Int32.self)
        if milliseconds == 0 { throw ZMQError.eagain }  // as the synchronous form
        deadline = .some(milliseconds < 0 ? nil : .now + .milliseconds(milliseconds))
      }
      let fd = try getOption(ZMQ_FD, as: Int32.self)
      switch await reactor.wait(fd: fd, wanted: direction.event, handle: handle, deadline: deadline!) {
      case .readable, .notified, .closed, .recheck:
        try Task.checkCancellation()
      case .cancelled:
        throw CancellationError()
      case .timedOut:
        if let result = try attempt() { return finished(result) }
        throw ZMQError.eagain
      }
    }
  }
}

// MARK: - Public async API

extension Socket {
  /// Receives one message part as bytes, suspending the task — not blocking
  /// a thread — until one arrives.
  ///
  /// ```swift
  /// let bytes = try await socket.receive()
  /// ```
  ///
  /// The call runs on the caller's executor (for example the actor that owns
  /// the socket) and suspends only when nothing is waiting.
  ///
  /// - Cancellation: cancelling the task ends a pending wait promptly with
  ///   `CancellationError`. A message is never taken off the socket by a
  ///   call that then throws `CancellationError`; the next receive gets it.
  ///   A task that is already cancelled throws before receiving anything.
  /// - Timeout: `.rcvtimeo` is honoured as in ``recv(flags:)``: when it is
  ///   positive and runs out, the call throws ``ZMQError/eagain``; `0`
  ///   throws it at once when nothing is waiting; `-1` (the default) waits
  ///   as long as it takes.
  /// - Returns: the message's bytes. Check `.rcvmore` for further parts.
  /// - Throws: `CancellationError`; ``ZMQError/enotsock`` when the socket is
  ///   closed, also while the call waits; ``ZMQError/eterm`` when the context
  ///   is shut down, also while the call waits; and the other errors of
  ///   ``recv(flags:)``.
  nonisolated(nonsending)
  public func receive() async throws -> [UInt8] {
    try await untilReady(.receive) { try recv(flags: .dontWait) }
  }

  /// Receives one message part as a UTF-8 string, suspending until one
  /// arrives. Decoding is that of ``recvString(flags:)``: a lone trailing
  /// NUL is dropped and invalid UTF-8 becomes U+FFFD.
  ///
  /// - Throws: the errors of ``receive()``.
  nonisolated(nonsending)
  public func receiveString() async throws -> String {
    try await untilReady(.receive) { try recvString(flags: .dontWait) }
  }

  /// Receives a 32-bit integer sent as 4 little-endian bytes, suspending
  /// until a message arrives.
  ///
  /// - Throws: ``MessageSizeError`` when the message is not exactly 4 bytes
  ///   (the message is consumed), and the errors of ``receive()``.
  nonisolated(nonsending)
  public func receiveInt() async throws -> Int32 {
    try await untilReady(.receive) { try recvInt(flags: .dontWait) }
  }

  /// Receives a 64-bit integer sent as 8 little-endian bytes, suspending
  /// until a message arrives.
  ///
  /// - Throws: ``MessageSizeError`` when the message is not exactly 8 bytes
  ///   (the message is consumed), and the errors of ``receive()``.
  nonisolated(nonsending)
  public func receiveInt64() async throws -> Int64 {
    try await untilReady(.receive) { try recvInt64(flags: .dontWait) }
  }

  /// Sends an empty message part, suspending — not blocking a thread —
  /// while the socket cannot queue it (its high-water mark is reached, or
  /// it has no peer yet).
  ///
  /// The async sends are named `sendAsync` because an `async` overload of
  /// ``send(flags:)`` would make every existing `try socket.send(…)` in async
  /// code ambiguous.
  ///
  /// - Parameter more: `true` when more parts of the same message follow
  ///   (`ZMQ_SNDMORE`).
  /// - Returns: the number of bytes sent (`0`).
  /// - Cancellation: cancelling the task ends a pending wait promptly with
  ///   `CancellationError`; the part has then not been sent.
  /// - Timeout: `.sndtimeo` is honoured as in ``send(flags:)``
  ///   (``ZMQError/eagain`` when it runs out).
  /// - Throws: `CancellationError`, ``ZMQError/enotsock`` when the socket is
  ///   closed, ``ZMQError/eterm`` when the context is shut down (also while
  ///   waiting), and the other errors of ``send(flags:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(flags: flags) }
  }

  /// Sends a byte array as one message part, suspending while the socket
  /// cannot queue it.
  ///
  /// - Parameters:
  ///   - bytes: the message part.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: the number of bytes sent.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(_ bytes: [UInt8], more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(bytes, flags: flags) }
  }

  /// Sends any contiguous bytes (`Data`, `ArraySlice<UInt8>`, …) as one
  /// message part, suspending while the socket cannot queue it.
  ///
  /// - Parameters:
  ///   - bytes: the message part.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: the number of bytes sent.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync<Bytes: ContiguousBytes>(_ bytes: Bytes, more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(bytes, flags: flags) }
  }

  /// Sends a string as its UTF-8 bytes (no terminating NUL), suspending
  /// while the socket cannot queue it.
  ///
  /// - Parameters:
  ///   - string: the text to send.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: the number of bytes sent.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(_ string: String, more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(string, flags: flags) }
  }

  /// Sends a 32-bit integer as 4 little-endian bytes, suspending while the
  /// socket cannot queue it (read it with ``receiveInt()``).
  ///
  /// - Parameters:
  ///   - value: the integer to send.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: `4`.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(_ value: Int32, more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(value, flags: flags) }
  }

  /// Sends a 64-bit integer as 8 little-endian bytes, suspending while the
  /// socket cannot queue it (read it with ``receiveInt64()``).
  ///
  /// - Parameters:
  ///   - value: the integer to send.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: `8`.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(_ value: Int64, more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(value, flags: flags) }
  }

  /// Sends a Boolean as a 32-bit integer (`1` or `0`, 4 little-endian
  /// bytes), suspending while the socket cannot queue it.
  ///
  /// - Parameters:
  ///   - value: the Boolean to send.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: `4`.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(_ value: Bool, more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(value, flags: flags) }
  }
}

// MARK: - Messages and multipart

extension Socket {
  /// Receives one message part as a ``Message``, without copying its bytes,
  /// suspending until one arrives. The message carries ``Message/more`` and
  /// the connection's metadata, as with ``recvMessage(flags:)``.
  ///
  /// - Throws: the errors of ``receive()``.
  nonisolated(nonsending)
  public func receiveMessage() async throws -> Message {
    try await untilReady(.receive) { try recvMessage(flags: .dontWait) }
  }

  /// Receives all parts of one message as byte arrays, suspending until a
  /// message arrives (the async form of ``recvMultipart(flags:)``). The
  /// parts of a message arrive together, so only the wait for the first
  /// one suspends; no other task can take parts of this message.
  ///
  /// - Returns: the parts in order (at least one).
  /// - Throws: the errors of ``receive()``.
  nonisolated(nonsending)
  public func receiveMultipart() async throws -> [[UInt8]] {
    try await untilReady(.receive) { try recvMultipart(flags: .dontWait) }
  }

  /// Receives all parts of one message as ``Message`` values, without
  /// copying their bytes, suspending until a message arrives (the async
  /// form of ``recvMultipartMessages(flags:)``).
  ///
  /// - Returns: the parts in order (at least one).
  /// - Throws: the errors of ``receive()``.
  nonisolated(nonsending)
  public func receiveMultipartMessages() async throws -> [Message] {
    try await untilReady(.receive) { try recvMultipartMessages(flags: .dontWait) }
  }

  /// Sends a ``Message`` without copying its bytes, suspending while the
  /// socket cannot queue it. After it was sent the message is empty; when
  /// the call throws (also `CancellationError`) it is unchanged.
  ///
  /// - Parameters:
  ///   - message: the part to send; empty afterwards when it was sent.
  ///   - more: `true` when more parts of the same message follow.
  /// - Returns: the number of bytes sent.
  /// - Throws: the errors of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendAsync(_ message: Message, more: Bool = false) async throws -> Int {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try send(message, flags: flags) }
  }

  /// Sends a multipart message — every part but the last with
  /// `ZMQ_SNDMORE` — suspending while the socket cannot queue it (the async
  /// form of `sendMultipart(_:flags:)`).
  ///
  /// libzmq applies the high-water mark to whole messages: once the first
  /// part is queued the others follow without waiting, so the message is
  /// sent whole or, when the call throws before it started (also with
  /// `CancellationError`), not at all.
  ///
  /// - Parameters:
  ///   - parts: the parts, in order; at least one.
  ///   - more: `true` to send the last part with `ZMQ_SNDMORE` too, when
  ///     the message goes on with further sends.
  /// - Returns: the number of bytes sent in all parts.
  /// - Throws: ``MessageError/emptyMultipart`` for no parts, and the errors
  ///   of ``sendAsync(more:)``.
  @discardableResult
  nonisolated(nonsending)
  public func sendMultipartAsync<Parts: Collection>(_ parts: Parts, more: Bool = false) async throws -> Int
  where Parts.Element: MessagePart {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try sendMultipart(parts, flags: flags) }
  }

  /// Sends a multipart message whose parts have different types, e.g.
  /// `try await socket.sendMultipartAsync([identity, "", payload] as [any MessagePart])`,
  /// suspending while the socket cannot queue it. Everything else is as in
  /// the overload for parts of one type.
  @discardableResult
  nonisolated(nonsending)
  public func sendMultipartAsync<Parts: Collection>(_ parts: Parts, more: Bool = false) async throws -> Int
  where Parts.Element == any MessagePart {
    let flags: SendFlags = more ? [.dontWait, .sndMore] : .dontWait
    return try await untilReady(.send) { try sendMultipart(parts, flags: flags) }
  }
}
