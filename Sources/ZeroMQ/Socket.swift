internal import CZeroMQ

/// A ZeroMQ socket, created by ``Context/socket(_:)``.
///
/// Like libzmq's sockets, a `Socket` must be used by one thread at a time;
/// it is deliberately not `Sendable`. Create it on the thread or task that
/// uses it.
///
/// Lifetime:
/// - a socket keeps its ``context`` alive;
/// - ``close()`` releases it and keeps its `ZMQ_LINGER`, so queued messages
///   are still delivered; it may be called any number of times;
/// - after `close()` every other call throws ``ZMQError/enotsock`` and never
///   reaches libzmq;
/// - a socket dropped without `close()` is closed with its linger cut down
///   to at most ``droppedSocketLinger`` (one second): queued messages still
///   get that long to be delivered, and the context's termination never
///   waits longer than that for them.
public final class Socket {
  /// The libzmq handle, shared with the context for `destroy(linger:)`.
  @usableFromInline
  let handle: SocketHandle

  /// The context this socket belongs to; the socket keeps it alive.
  public let context: Context

  /// The type the socket was created with (`ZMQ_TYPE`).
  public let type: SocketType

  init(handle: SocketHandle, context: Context, type: SocketType) {
    self.handle = handle
    self.context = context
    self.type = type
  }

  deinit {
    handle.closeDropped()
    context.unregister(handle)
  }

  /// Whether the socket has been closed, by ``close()`` or by
  /// ``Context/destroy(linger:)``.
  public var isClosed: Bool { handle.isClosed }

  /// Closes the socket (`zmq_close`). Messages already queued are still
  /// sent for as long as the socket's `ZMQ_LINGER` allows (set `.linger` to
  /// `0` first to discard them).
  ///
  /// Closing a closed socket does nothing. Every other call on a closed
  /// socket throws ``ZMQError/enotsock``.
  public func close() throws {
    guard let pointer = handle.take() else { return }
    defer { context.unregister(handle) }
    try CallFunnel.check(zmq_close(pointer))
  }

  /// The live libzmq socket for calls that libzmq itself does not check
  /// for a shut-down context (socket options, `zmq_socket_monitor`):
  /// `ENOTSOCK` once closed, then `ETERM` once the context is shut down,
  /// so these calls fail the same way as sending and receiving do.
  @inline(__always)
  func livePointer() throws(ZMQError) -> UnsafeMutableRawPointer {
    let pointer = try handle.pointer()
    if context.isShutDown { throw .eterm }
    return pointer
  }

  /// Rejects endpoints libzmq would silently cut short at an embedded NUL
  /// (used by the generated endpoint wrappers, Generated/Socket+Wrappers.swift).
  @inline(__always)
  func checkEndpoint(_ endpoint: String) throws(ZMQError) {
    if endpoint.utf8.contains(0) { throw .einval }
  }
}

/// Sockets are confined to one thread at a time, as in libzmq.
@available(*, unavailable, message: "a ZeroMQ socket must be used by one thread at a time; create it where it is used")
extension Socket: Sendable {}
