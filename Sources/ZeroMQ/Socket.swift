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
/// - a socket dropped without `close()` is closed with a linger of `0`:
///   messages still queued are discarded rather than blocking the
///   context's termination.
public final class Socket {
  /// The libzmq handle, shared with the context for `destroy(linger:)`.
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
    handle.close(linger: 0)
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

  /// Rejects endpoints libzmq would silently cut short at an embedded NUL.
  @inline(__always)
  private func checkEndpoint(_ endpoint: String) throws(ZMQError) {
    if endpoint.utf8.contains(0) { throw .einval }
  }

  /// Accepts incoming connections on `endpoint` (`zmq_bind`), e.g.
  /// `"tcp://*:5555"`, `"tcp://127.0.0.1:*"` (any free port; read the chosen
  /// one from `.lastEndpoint`), `"ipc:///tmp/feed"`, `"inproc://name"`.
  ///
  /// - Throws: ``ZMQError/einval`` for a malformed endpoint,
  ///   ``ZMQError/eprotonosupport`` for an unknown transport,
  ///   ``ZMQError/eaddrinuse`` when the address is taken,
  ///   ``ZMQError/enotsock`` after `close()`, ``ZMQError/eterm`` after the
  ///   context was shut down.
  public func bind(_ endpoint: String) throws {
    try checkEndpoint(endpoint)
    let pointer = try handle.pointer()
    try CallFunnel.check(zmq_bind(pointer, endpoint))
  }

  /// Stops accepting connections on an endpoint given to ``bind(_:)``
  /// (`zmq_unbind`). For wildcard binds, pass the resolved `.lastEndpoint`.
  ///
  /// - Throws: ``ZMQError/enoent`` when the socket is not bound there, and
  ///   the errors of ``bind(_:)``.
  public func unbind(_ endpoint: String) throws {
    try checkEndpoint(endpoint)
    let pointer = try handle.pointer()
    try CallFunnel.check(zmq_unbind(pointer, endpoint))
  }

  /// Connects to `endpoint` (`zmq_connect`), e.g. `"tcp://localhost:5555"`.
  /// Connections are made in the background; the peer does not have to be
  /// up yet.
  ///
  /// - Throws: ``ZMQError/einval`` for a malformed endpoint,
  ///   ``ZMQError/eprotonosupport`` for an unknown transport,
  ///   ``ZMQError/enotsock`` after `close()`, ``ZMQError/eterm`` after the
  ///   context was shut down.
  public func connect(_ endpoint: String) throws {
    try checkEndpoint(endpoint)
    let pointer = try handle.pointer()
    try CallFunnel.check(zmq_connect(pointer, endpoint))
  }

  /// Drops a connection made by ``connect(_:)`` (`zmq_disconnect`).
  ///
  /// - Throws: ``ZMQError/enoent`` when the socket is not connected there,
  ///   and the errors of ``connect(_:)``.
  public func disconnect(_ endpoint: String) throws {
    try checkEndpoint(endpoint)
    let pointer = try handle.pointer()
    try CallFunnel.check(zmq_disconnect(pointer, endpoint))
  }
}

/// Sockets are confined to one thread at a time, as in libzmq.
@available(*, unavailable, message: "a ZeroMQ socket must be used by one thread at a time; create it where it is used")
extension Socket: Sendable {}
