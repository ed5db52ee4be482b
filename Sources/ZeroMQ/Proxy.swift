internal import CZeroMQ

/// How a steerable proxy (``ZMQ/proxySteerable(frontend:backend:capture:control:)``)
/// came to return.
public enum ProxyExit: Hashable, Sendable {
  /// A ``ProxyCommand/terminate`` command arrived on the control socket.
  case terminated
  /// The context of the proxy's sockets was shut down or terminated
  /// (libzmq reported `ETERM`).
  case contextTerminated
}

/// A command for a steerable proxy, sent over its control socket.
///
/// The raw value is the exact text libzmq expects. libzmq 4.3 aborts the
/// whole process when its control socket receives any other text, which is
/// why commands are a closed enum; use ``ProxyController`` to send them.
/// Statistics, which need a reply, are asked for with
/// ``ProxyController/statistics()``.
public enum ProxyCommand: String, Hashable, Sendable, CaseIterable {
  /// Stop passing messages on (they wait in the sockets' queues) until
  /// ``resume``.
  case pause = "PAUSE"
  /// Pass messages on again after ``pause``.
  case resume = "RESUME"
  /// End the proxy: ``ZMQ/proxySteerable(frontend:backend:capture:control:)``
  /// returns ``ProxyExit/terminated``.
  case terminate = "TERMINATE"
}

/// The traffic a steerable proxy has seen since it started, as its
/// `STATISTICS` command reports it.
public struct ProxyStatistics: Hashable, Sendable, CustomStringConvertible {
  /// Messages and bytes through one of the proxy's sockets. libzmq counts
  /// whole messages: a multipart message counts once.
  public struct Traffic: Hashable, Sendable {
    /// Whole messages received by the socket (a multipart message counts once).
    public var messagesReceived: UInt64
    /// Bytes received by the socket, all parts of each message together.
    public var bytesReceived: UInt64
    /// Whole messages sent by the socket (a multipart message counts once).
    public var messagesSent: UInt64
    /// Bytes sent by the socket, all parts of each message together.
    public var bytesSent: UInt64

    /// Traffic with the given counts.
    public init(messagesReceived: UInt64, bytesReceived: UInt64, messagesSent: UInt64, bytesSent: UInt64) {
      self.messagesReceived = messagesReceived
      self.bytesReceived = bytesReceived
      self.messagesSent = messagesSent
      self.bytesSent = bytesSent
    }
  }

  /// The frontend socket's traffic.
  public var frontend: Traffic
  /// The backend socket's traffic.
  public var backend: Traffic

  /// Statistics with the given traffic.
  public init(frontend: Traffic, backend: Traffic) {
    self.frontend = frontend
    self.backend = backend
  }

  /// Decodes libzmq's reply: 8 parts of 8 bytes each, in host byte order
  /// (the reply never leaves the process that made it).
  ///
  /// - Throws: ``ProxyStatisticsError`` when the reply has another shape.
  public init(replyFrames frames: [[UInt8]]) throws(ProxyStatisticsError) {
    guard frames.count == 8 else { throw .wrongFrameCount(frames.count) }
    var values: [UInt64] = []
    for (index, frame) in frames.enumerated() {
      guard frame.count == 8 else { throw .wrongFrameSize(frame: index, size: frame.count) }
      values.append(frame.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }
    frontend = Traffic(
      messagesReceived: values[0], bytesReceived: values[1], messagesSent: values[2], bytesSent: values[3])
    backend = Traffic(
      messagesReceived: values[4], bytesReceived: values[5], messagesSent: values[6], bytesSent: values[7])
  }

  /// For example `frontend: 2 in (10 B), 0 out (0 B); backend: 0 in (0 B), 2 out (10 B)`.
  public var description: String {
    func side(_ traffic: Traffic) -> String {
      "\(traffic.messagesReceived) in (\(traffic.bytesReceived) B), \(traffic.messagesSent) out (\(traffic.bytesSent) B)"
    }
    return "frontend: \(side(frontend)); backend: \(side(backend))"
  }
}

/// A reply to the `STATISTICS` command that does not have libzmq's shape.
public enum ProxyStatisticsError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The reply did not have 8 parts; carries the number it had.
  case wrongFrameCount(Int)
  /// A part was not 8 bytes; carries its index and size.
  case wrongFrameSize(frame: Int, size: Int)

  /// Says what was wrong with the reply.
  public var description: String {
    switch self {
    case .wrongFrameCount(let count):
      "a proxy statistics reply has 8 parts, but \(count) arrived"
    case .wrongFrameSize(let frame, let size):
      "part \(frame) of a proxy statistics reply has \(size) bytes instead of 8"
    }
  }
}

extension ZMQ {
  /// Runs libzmq's built-in proxy on the calling thread (`zmq_proxy`):
  /// every message that arrives on `frontend` is sent out of `backend`, and
  /// every message that arrives on `backend` is sent out of `frontend`,
  /// multipart messages whole. When `capture` is given, a copy of every
  /// message passed on either way is also sent to it.
  ///
  /// Typical pairs are ROUTER/DEALER (a shared queue between clients and
  /// workers), XSUB/XPUB (a forwarder for publishers and subscribers) and
  /// PULL/PUSH (a streamer). Bind or connect the sockets first.
  ///
  /// **This call blocks for as long as the proxy runs**, and a plain proxy
  /// only stops when its sockets' context is shut down or terminated (see
  /// ``Context/shutdown()`` and ``Context/term()``); it then returns
  /// normally — `ETERM` is its ordinary end, not an error. Started on a
  /// context that is already shut down, it returns at once without
  /// running. Use
  /// ``proxySteerable(frontend:backend:capture:control:)`` for a proxy that
  /// can be paused and stopped. Because sockets are not `Sendable`, the
  /// proxy runs on the thread that created its sockets: start a thread,
  /// create the sockets there, and call `proxy` last. While it runs, the
  /// sockets belong to the proxy; do not call ``Context/destroy(linger:)``
  /// (which closes sockets from another thread) until it has returned.
  ///
  /// A signal that interrupts the proxy restarts it.
  ///
  /// - Parameters:
  ///   - frontend: the socket facing clients.
  ///   - backend: the socket facing services (may be the same socket as
  ///     `frontend`).
  ///   - capture: a socket that can send (PUSH, PUB, PAIR, DEALER), or
  ///     `nil`.
  /// - Throws: ``ZMQError/enotsock`` when a socket is closed, and other
  ///   ``ZMQError``s libzmq reports; never ``ZMQError/eterm``.
  public static func proxy(frontend: Socket, backend: Socket, capture: Socket? = nil) throws {
    _ = try runProxy(frontend: frontend, backend: backend, capture: capture, control: nil)
  }

  /// Runs libzmq's built-in proxy on the calling thread, steered by
  /// commands arriving on `control` (`zmq_proxy_steerable`): it passes
  /// messages on as ``proxy(frontend:backend:capture:)`` does, pauses and
  /// resumes on ``ProxyCommand/pause`` and ``ProxyCommand/resume``, reports
  /// its traffic when asked (``ProxyController/statistics()``) and returns
  /// when it receives ``ProxyCommand/terminate``.
  ///
  /// Make `control` a PAIR socket connected to a ``ProxyController``'s
  /// endpoint; the controller, on any other thread, sends the commands.
  /// The proxy starts out passing messages.
  ///
  /// The call blocks until the proxy ends. After a signal interrupts it, it
  /// starts again, passing messages even if it was paused.
  ///
  /// - Returns: ``ProxyExit/terminated`` after a terminate command,
  ///   ``ProxyExit/contextTerminated`` when the sockets' context was shut
  ///   down or terminated — at once, without running, when that happened
  ///   before the call.
  /// - Throws: ``ZMQError/enotsock`` when a socket is closed, and other
  ///   ``ZMQError``s libzmq reports (for example when a statistics reply
  ///   cannot be sent on `control`).
  @discardableResult
  public static func proxySteerable(frontend: Socket, backend: Socket, capture: Socket? = nil, control: Socket) throws
    -> ProxyExit
  {
    try runProxy(frontend: frontend, backend: backend, capture: capture, control: control)
  }

  /// `zmq_proxy_steerable` (which behaves as `zmq_proxy` without a control
  /// socket) through the funnel; `ETERM` becomes `.contextTerminated`.
  ///
  /// A proxy whose sockets' context was already shut down or terminated
  /// ends at once, without calling libzmq: its result is the one libzmq
  /// gives when the context ends while the proxy runs. The proxy of a
  /// libzmq built with the draft API polls through `zmq_poller`, which
  /// aborts the process (an assertion in socket_poller.cpp) when a socket
  /// that has already seen the shutdown — any call on it since then threw
  /// `ETERM` — is handed to it; libzmq built without the draft API returns
  /// `ETERM`. Checking first makes every build behave the same.
  private static func runProxy(frontend: Socket, backend: Socket, capture: Socket?, control: Socket?) throws(ZMQError)
    -> ProxyExit
  {
    let frontendPointer = try frontend.handle.pointer()
    let backendPointer = try backend.handle.pointer()
    let capturePointer = try capture?.handle.pointer()
    let controlPointer = try control?.handle.pointer()
    let sockets = [frontend, backend] + [capture, control].compactMap { $0 }
    if sockets.contains(where: { $0.context.isShutDown }) { return .contextTerminated }
    do {
      try CallFunnel.blocking {
        zmq_proxy_steerable(frontendPointer, backendPointer, capturePointer, controlPointer)
      }
      return .terminated
    } catch .eterm {
      return .contextTerminated
    }
  }
}

/// Sends commands to a steerable proxy from another thread.
///
/// The controller owns a PAIR socket bound to ``endpoint``; the thread that
/// runs the proxy connects its control socket (a PAIR) there:
///
/// ```swift
/// let controller = try ProxyController(context: context, timeout: 2000)
/// // On the proxy's thread:
/// //   let control = try context.socket(.pair)
/// //   try control.connect(controller.endpoint)   // pass the String along
/// //   try ZMQ.proxySteerable(frontend: f, backend: b, control: control)
/// try controller.send(.pause)
/// try controller.send(.terminate)
/// ```
///
/// Like a socket, a controller must be used by one thread at a time.
public final class ProxyController {
  /// The controller's socket: a PAIR bound to ``endpoint``, or the socket
  /// given to ``init(socket:)``.
  public let socket: Socket

  /// Where the proxy's control socket should connect; empty for a
  /// controller made with ``init(socket:)``.
  public let endpoint: String

  /// Creates a controller with a PAIR socket bound to `endpoint`.
  ///
  /// - Parameters:
  ///   - context: the context of the proxy's sockets (for `inproc://`).
  ///   - endpoint: where to bind; `nil` (the default) picks a unique
  ///     `inproc://` name.
  ///   - timeout: milliseconds a command or a statistics request may wait
  ///     for the proxy (`.sndtimeo` and `.rcvtimeo` of the socket); `-1`
  ///     waits without limit. Note that a PAIR socket cannot send before
  ///     the proxy's control socket has connected.
  /// - Throws: the errors of ``Context/socket(_:)`` and ``Socket/bind(_:)``.
  public init(context: Context, endpoint: String? = nil, timeout: Int32 = -1) throws {
    let endpoint = endpoint ?? InternalEndpoint.unique("proxy-control")
    let socket = try context.socket(.pair)
    try socket.set(.linger, 0)
    try socket.set(.sndtimeo, timeout)
    try socket.set(.rcvtimeo, timeout)
    try socket.bind(endpoint)
    self.socket = socket
    self.endpoint = endpoint
  }

  /// Wraps a socket the caller already bound or connected, for example a
  /// PUB socket that steers proxies in other processes (which then cannot
  /// answer ``statistics()``).
  public init(socket: Socket) {
    self.socket = socket
    self.endpoint = ""
  }

  /// Sends one command to the proxy.
  ///
  /// - Throws: ``ZMQError/eagain`` when the timeout expired (no proxy
  ///   connected), and the other errors of sending a message.
  public func send(_ command: ProxyCommand) throws {
    try socket.send(command.rawValue)
  }

  /// Pauses the proxy (``ProxyCommand/pause``).
  public func pause() throws { try send(.pause) }

  /// Resumes a paused proxy (``ProxyCommand/resume``).
  public func resume() throws { try send(.resume) }

  /// Ends the proxy (``ProxyCommand/terminate``).
  public func terminate() throws { try send(.terminate) }

  /// Asks the proxy for its traffic counts and waits for the answer (the
  /// `STATISTICS` command).
  ///
  /// - Throws: ``ZMQError/eagain`` when the timeout expired,
  ///   ``ProxyStatisticsError`` for a reply of the wrong shape, and the
  ///   errors of sending and receiving.
  public func statistics() throws -> ProxyStatistics {
    try socket.send("STATISTICS")
    // Keep at most 8 parts, but consume and count the whole reply so that
    // the next one starts clean.
    var frames: [[UInt8]] = []
    var count = 0
    repeat {
      guard let frame = try socket.recv() else { break }
      count += 1
      if frames.count < 8 { frames.append(frame) }
    } while try socket.get(.rcvmore)
    guard count == frames.count else { throw ProxyStatisticsError.wrongFrameCount(count) }
    return try ProxyStatistics(replyFrames: frames)
  }
}

/// A controller holds a socket, which is confined to one thread at a time.
@available(*, unavailable, message: "a ProxyController holds a socket; use it from one thread at a time")
extension ProxyController: Sendable {}
