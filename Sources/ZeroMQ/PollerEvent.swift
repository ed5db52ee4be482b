/// One readiness report from a ``Poller``: which socket or file descriptor,
/// the user data it was registered with, and the events that are ready.
///
/// Code written for sockets only reads ``socket`` (the same `Socket` object
/// that was added, compare with `===`); a poller that also watches file
/// descriptors tells the two apart with ``source``:
///
/// ```swift
/// switch event.source {
/// case .socket(let socket): _ = try socket.recvString()
/// case .fileDescriptor(let fd): print("descriptor \(fd) is ready")
/// case .threadSafeSocket(let socket): _ = try socket.recv()
/// }
/// ```
public struct PollerEvent {
  /// What a ``PollerEvent`` reports on.
  public enum Source {
    /// A ``Socket`` added with ``Poller/add(_:events:userData:)``.
    case socket(Socket)
    /// A file descriptor added with
    /// ``Poller/add(fileDescriptor:events:userData:)``.
    case fileDescriptor(Int32)
    /// A ``ThreadSafeSocket`` added with
    /// ``Poller/add(threadSafeSocket:events:userData:)`` (only in a
    /// binding on libzmq's `zmq_poller`).
    case threadSafeSocket(ThreadSafeSocket)
  }

  /// The socket or file descriptor that is ready.
  public let source: Source

  /// The registered socket that is ready — the same object that was given
  /// to ``Poller/add(_:events:userData:)`` (compare with `===`); `nil`
  /// when the event is for a file descriptor (``fileDescriptor`` is set
  /// then) or a thread-safe socket (``threadSafeSocket``).
  public var socket: Socket! {
    if case .socket(let socket) = source { return socket }
    return nil
  }

  /// The registered file descriptor that is ready; `nil` when the event is
  /// for a socket.
  public var fileDescriptor: Int32? {
    if case .fileDescriptor(let descriptor) = source { return descriptor }
    return nil
  }

  /// The registered thread-safe socket that is ready; `nil` unless the
  /// event is for one.
  public var threadSafeSocket: ThreadSafeSocket? {
    if case .threadSafeSocket(let socket) = source { return socket }
    return nil
  }

  /// The value given as `userData` when the socket or descriptor was added.
  public let userData: Any?

  /// The events that are ready: a subset of the events the source was
  /// registered for (`.pollIn`: a message can be received, or the
  /// descriptor read, without blocking; `.pollOut`: one can be sent or
  /// written without blocking). A file descriptor also reports `.pollErr`,
  /// whatever it was registered for, when the system reports an error, a
  /// hang-up (the other end of a pipe was closed) or that the descriptor is
  /// not open.
  public let events: PollEvents
}

/// A file descriptor a ``Poller`` refuses, with the reason.
public enum PollerError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A negative number was given as a file descriptor.
  case negativeFileDescriptor(Int32)
  /// ``Poller/pollAsync(timeout:)`` was asked to wait while a file
  /// descriptor is registered for `.pollOut`: the event loop that runs the
  /// wait watches descriptors for readability only, so it could sleep
  /// through the descriptor becoming writable.
  case writabilityNotAwaitable(fileDescriptor: Int32)
  /// ``Poller/pollAsync(timeout:)`` was asked to wait while a
  /// ``ThreadSafeSocket`` is registered: such sockets have no descriptor
  /// the event loop could watch.
  case threadSafeSocketNotAwaitable

  public var description: String {
    switch self {
    case .negativeFileDescriptor(let fd):
      return "file descriptor \(fd) is negative: a poller watches open descriptors (0 or more)"
    case .writabilityNotAwaitable(let fd):
      return
        "file descriptor \(fd) is registered for .pollOut, which pollAsync cannot wait for "
        + "(its event loop watches descriptors for readability only); use wait(timeout:) "
        + "or register the descriptor for .pollIn"
    case .threadSafeSocketNotAwaitable:
      return
        "a thread-safe socket is registered, which pollAsync cannot wait for (it has no "
        + "descriptor for the event loop to watch); use wait(timeout:) on another thread"
    }
  }
}
