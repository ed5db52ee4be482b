import Synchronization
internal import CZeroMQ

/// Shared ownership of one libzmq socket handle.
///
/// The `Socket` that wraps the handle and the `Context` that created it both
/// hold this object: the socket to make its calls, the context so that
/// `destroy(linger:)` can close sockets it does not otherwise know about.
/// Whoever closes first wins the atomic exchange; everybody else then sees
/// the handle as closed, so `zmq_close` runs exactly once and no call ever
/// reaches libzmq with a freed pointer from this object.
@usableFromInline
final class SocketHandle: Sendable {
  /// The `void *` libzmq gave us, as an integer so it can live in an atomic;
  /// `0` once closed.
  private let bits: Atomic<UInt>
  /// How many async operations wait on this socket, on any event loop:
  /// kept by `AsyncWaits`, read by every successful async operation (in
  /// its inlined fast path, hence `@usableFromInline`).
  @usableFromInline
  let asyncWaits = Atomic<Int>(0)

  init(_ pointer: UnsafeMutableRawPointer) {
    bits = Atomic(UInt(bitPattern: pointer))
  }

  /// Whether the socket has been closed (by `close()`, by being dropped, or
  /// by `Context.destroy(linger:)`).
  var isClosed: Bool { bits.load(ordering: .acquiring) == 0 }

  /// The live libzmq socket; throws `ENOTSOCK` once the socket is closed.
  @inline(__always)
  func pointer() throws(ZMQError) -> UnsafeMutableRawPointer {
    guard let pointer = UnsafeMutableRawPointer(bitPattern: bits.load(ordering: .acquiring)) else {
      throw .enotsock
    }
    return pointer
  }

  /// Takes the handle away from everybody else: the caller now owns it and
  /// must close it. `nil` when somebody already did.
  func take() -> UnsafeMutableRawPointer? {
    let pointer = UnsafeMutableRawPointer(bitPattern: bits.exchange(0, ordering: .acquiringAndReleasing))
    if pointer != nil { AsyncWaits.socketClosed(self) }
    return pointer
  }

  /// Closes the socket unless already closed, first setting `ZMQ_LINGER` when
  /// `linger` is given (a failure to set it, e.g. after the context was shut
  /// down, does not prevent the close). Returns `zmq_close`'s result, `0`
  /// when there was nothing to close.
  @discardableResult
  func close(linger: Int32?) -> Int32 {
    guard let pointer = take() else { return 0 }
    if var linger {
      _ = zmq_setsockopt(pointer, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }
    return zmq_close(pointer)
  }
}

/// A ZeroMQ context: the container of a set of sockets and of the I/O
/// threads that serve them (`zmq_ctx_new`).
///
/// A context is safe to share between threads and tasks. Create sockets with
/// ``socket(_:)``; each socket keeps its context alive, so a context is only
/// deinitialized once all of its `Socket` objects are gone, and then it is
/// terminated automatically.
///
/// ```swift
/// let ctx = try Context()
/// let push = try ctx.socket(.push)
/// ```
///
/// Ending a context: ``shutdown()`` makes every blocking call on its sockets
/// fail with ``ZMQError/eterm`` without freeing anything; ``term()`` does that
/// and then waits until every socket is closed before releasing the
/// context; ``destroy(linger:)`` closes the sockets itself first. Once
/// terminated, every call on the context throws ``ZMQError/eterm``.
///
/// A context that is never terminated explicitly is terminated when it is
/// released. Like ``term()``, that waits for messages still queued on
/// sockets that were closed with a linger period; sockets that were simply
/// dropped linger for at most ``Socket/droppedSocketLinger`` (one second).
public final class Context: Sendable {
  private enum Phase {
    case active, terminating, terminated
  }

  private struct State {
    var phase: Phase = .active
    /// The handles of this context's open sockets, for `destroy(linger:)`.
    var sockets: [ObjectIdentifier: SocketHandle] = [:]
  }

  /// The libzmq context. Only used under `state`'s lock while `phase` is
  /// `.active`, or by the single thread that moved it to `.terminating`;
  /// never after `.terminated` (libzmq has freed it by then).
  private nonisolated(unsafe) let raw: UnsafeMutableRawPointer
  private let state = Mutex(State())

  /// Raised by `shutdown()` and `term()`. libzmq only notices a shutdown
  /// in calls that process the socket's pending commands (send, receive,
  /// bind, connect, polling); `zmq_setsockopt` and most of
  /// `zmq_getsockopt` would go on working. Socket option calls check this
  /// flag so that they fail with `ETERM` like every other call, as
  /// `shutdown()` promises.
  private let shutDown = Atomic<Bool>(false)

  /// Whether `shutdown()` or `term()` has been called.
  var isShutDown: Bool { shutDown.load(ordering: .acquiring) }

  /// Creates a context with libzmq's defaults (one I/O thread, 1023 sockets
  /// at most) (`zmq_ctx_new`).
  ///
  /// - Throws: ``ZMQError`` when libzmq cannot create one (for example
  ///   `EMFILE` when the process is out of file descriptors).
  public init() throws {
    guard let raw = zmq_ctx_new() else { throw ZMQError.current }
    self.raw = raw
  }

  deinit {
    // Every Socket holds its context, so no socket of ours is open any more
    // (explicitly closed sockets may still be lingering; libzmq waits for
    // them exactly as an explicit `term()` would).
    let needsTerm = state.withLock { $0.phase == .active }
    if needsTerm {
      while zmq_ctx_term(raw) == -1 && zmq_errno() == EINTR {}
    }
  }

  /// Creates a socket of the given type in this context (`zmq_socket`).
  ///
  /// - Throws: ``ZMQError/eterm`` once the context is shut down or
  ///   terminated, ``ZMQError/emfile`` when the context's socket limit is
  ///   reached, ``ZMQError/einval`` for an unknown type.
  public func socket(_ type: SocketType) throws -> Socket {
    let handle = try state.withLock { (state) throws(ZMQError) -> SocketHandle in
      guard state.phase == .active else { throw .eterm }
      guard let pointer = zmq_socket(raw, type.rawValue) else { throw ZMQError.current }
      let handle = SocketHandle(pointer)
      state.sockets[ObjectIdentifier(handle)] = handle
      return handle
    }
    return Socket(handle: handle, context: self, type: type)
  }

  /// Forgets a socket that was closed; called by `Socket`.
  func unregister(_ handle: SocketHandle) {
    state.withLock { _ = $0.sockets.removeValue(forKey: ObjectIdentifier(handle)) }
  }

  /// Runs `body` with the live libzmq context, or throws `ETERM` once the
  /// context is being or has been terminated.
  func withActive<R>(_ body: (UnsafeMutableRawPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
    try state.withLock { (state) throws(ZMQError) -> R in
      guard state.phase == .active else { throw .eterm }
      return try body(raw)
    }
  }

  private func setRaw(_ option: Int32, _ value: Int32) throws(ZMQError) {
    try withActive { (raw) throws(ZMQError) in
      if option >= ZMQ.optionPlaceholderBase { throw .placeholderOption(option) }
      _ = try CallFunnel.check(zmq_ctx_set(raw, option, value))
    }
  }

  private func getRaw(_ option: Int32) throws(ZMQError) -> Int32 {
    try withActive { (raw) throws(ZMQError) -> Int32 in
      if option >= ZMQ.optionPlaceholderBase { throw .placeholderOption(option) }
      // Some options legitimately read as -1 (ZMQ_THREAD_SCHED_POLICY), so
      // a failure is told apart by errno, cleared first.
      SystemCalls.lastErrno = 0
      let value = zmq_ctx_get(raw, option)
      if value == -1 && zmq_errno() != 0 { throw ZMQError.current }
      return value
    }
  }

  /// Sets an integer context option, e.g. `try ctx.set(.ioThreads, 2)`
  /// (`zmq_ctx_set`). Read-only options do not compile.
  ///
  /// - Throws: ``ZMQError/einval`` for a value or option libzmq refuses,
  ///   ``ZMQError/eterm`` once the context is terminated.
  public func set<Access: WritableOptionAccess>(_ option: ContextOption<Int32, Access>, _ value: Int32) throws {
    try setRaw(option.rawValue, value)
  }

  /// Sets a boolean context option (passed to libzmq as `0` or `1`)
  /// (`zmq_ctx_set`).
  public func set<Access: WritableOptionAccess>(_ option: ContextOption<Bool, Access>, _ value: Bool) throws {
    try setRaw(option.rawValue, value ? 1 : 0)
  }

  /// Reads an integer context option, e.g.
  /// `let max: Int32 = try ctx.get(.maxMsgsz)` (`zmq_ctx_get`). Write-only
  /// options do not compile.
  ///
  /// - Throws: ``ZMQError/einval`` for an option libzmq does not know,
  ///   ``ZMQError/eterm`` once the context is terminated.
  public func get<Access: ReadableOptionAccess>(_ option: ContextOption<Int32, Access>) throws -> Int32 {
    try getRaw(option.rawValue)
  }

  /// Reads a boolean context option (`zmq_ctx_get`; nonzero is `true`).
  public func get<Access: ReadableOptionAccess>(_ option: ContextOption<Bool, Access>) throws -> Bool {
    try getRaw(option.rawValue) != 0
  }

  /// Shuts the context down without releasing it (`zmq_ctx_shutdown`): every
  /// blocking operation on its sockets, in any thread, returns with
  /// ``ZMQError/eterm``, and every later operation except `close()` fails the
  /// same way. Sockets must still be closed, then ``term()`` releases the
  /// context.
  ///
  /// Calling it again, or after ``term()``, does nothing.
  public func shutdown() throws {
    try state.withLock { (state) throws(ZMQError) in
      guard state.phase == .active else { return }
      try CallFunnel.check(zmq_ctx_shutdown(raw))
      shutDown.store(true, ordering: .releasing)
    }
  }

  /// Terminates the context (`zmq_ctx_term`): shuts it down, then **blocks
  /// until every socket of the context has been closed** and, for sockets
  /// closed with a linger period, until their queued messages are sent or
  /// the period ends; then releases it.
  ///
  /// Calling it again, or while another thread is terminating the context,
  /// does nothing. Afterwards every call on the context throws
  /// ``ZMQError/eterm``. A context that is dropped without `term()` is
  /// terminated when its last socket is gone.
  public func term() throws {
    let mine = state.withLock { state -> Bool in
      guard state.phase == .active else { return false }
      state.phase = .terminating
      shutDown.store(true, ordering: .releasing)  // zmq_ctx_term shuts it down first
      return true
    }
    guard mine else { return }
    do {
      try CallFunnel.blocking { zmq_ctx_term(raw) }
    } catch {
      state.withLock { $0.phase = .active }
      throw error
    }
    state.withLock { $0.phase = .terminated }
  }

  /// Closes every socket still open in this context, then terminates it
  /// (pyzmq's `Context.destroy`).
  ///
  /// - Parameter linger: when given, set as `ZMQ_LINGER` (milliseconds; `0`
  ///   discards queued messages, `-1` waits for them forever) on every socket
  ///   before closing it; when `nil`, each socket keeps its own linger.
  ///
  /// Sockets closed this way throw ``ZMQError/enotsock`` from then on, like
  /// sockets closed with `close()`. Like `zmq_close`, this is not safe while
  /// other threads are still using those sockets: stop them first (for
  /// example with ``shutdown()`` and a join).
  ///
  /// While another thread is blocked in ``term()``, this closes the sockets
  /// that hold it up, so that `term()` finishes, and returns.
  public func destroy(linger: Int32? = nil) throws {
    let open = state.withLock { state -> [SocketHandle] in
      // Also while `.terminating`: the sockets still open are what that
      // term() waits for, and closing them is the only way to release it.
      guard state.phase != .terminated else { return [] }
      let open = Array(state.sockets.values)
      state.sockets.removeAll()
      return open
    }
    for handle in open {
      handle.close(linger: linger)
    }
    try term()
  }
}
