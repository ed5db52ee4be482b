import Dispatch
import Synchronization

/// How to make one socket of a ``ThreadProxy``: its type, where it binds
/// and connects, and any options to set first. The socket itself is made on
/// the proxy's thread, since sockets cannot cross threads.
///
/// ```swift
/// let frontend = SocketDescription(.router, bind: ["tcp://127.0.0.1:5559"])
/// let backend = SocketDescription(.dealer, bind: ["inproc://workers"]) { socket in
///   try socket.set(.sndhwm, 10_000)
/// }
/// ```
public struct SocketDescription: Sendable {
  /// The socket type.
  public var type: SocketType
  /// Endpoints to bind, in order.
  public var bind: [String]
  /// Endpoints to connect, in order, after binding.
  public var connect: [String]
  /// Called with the new socket before it binds or connects, on the
  /// proxy's thread: set options here.
  public var configure: (@Sendable (Socket) throws -> Void)?

  /// Describes a socket of type `type` that binds to `bind` and connects
  /// to `connect`, after `configure` has set it up.
  public init(
    _ type: SocketType, bind: [String] = [], connect: [String] = [],
    configure: (@Sendable (Socket) throws -> Void)? = nil
  ) {
    self.type = type
    self.bind = bind
    self.connect = connect
    self.configure = configure
  }

  /// Makes the socket in `context`: configure, bind, connect.
  func make(in context: Context) throws -> Socket {
    let socket = try context.socket(type)
    try configure?(socket)
    for endpoint in bind { try socket.bind(endpoint) }
    for endpoint in connect { try socket.connect(endpoint) }
    return socket
  }
}

/// Misuse of a ``ThreadProxy``'s life cycle.
public enum ThreadProxyError: Error, Hashable, Sendable, CustomStringConvertible {
  /// ``ThreadProxy/start()`` was called a second time.
  case alreadyStarted
  /// A command was sent before ``ThreadProxy/start()`` or after the proxy
  /// ended.
  case notRunning

  /// Says what went wrong.
  public var description: String {
    switch self {
    case .alreadyStarted: "the proxy was already started; make a new ThreadProxy to run another"
    case .notRunning: "the proxy is not running (not started yet, stopped, or its context was terminated)"
    }
  }
}

/// A steerable proxy that runs on a thread of its own, controlled through
/// this handle from any thread or task (pyzmq's `ThreadProxySteerable`).
///
/// ```swift
/// let proxy = ThreadProxy(
///   context: context,
///   frontend: SocketDescription(.pull, bind: ["inproc://jobs"]),
///   backend: SocketDescription(.push, bind: ["inproc://workers"]))
/// try proxy.start()       // the sockets exist and are bound when this returns
/// try proxy.pause()
/// try proxy.resume()
/// print(try proxy.statistics())
/// try proxy.stop()        // terminates the proxy and waits for its thread
/// ```
///
/// The proxy's sockets are made on its thread from their descriptions,
/// live there, and are dropped there when the proxy ends (so they linger
/// for at most ``Socket/droppedSocketLinger``). Its control socket is a
/// PAIR over `inproc://` in the same context.
///
/// A proxy ends with ``stop()``, when the handle is released, or when its
/// context is shut down (then the proxy's thread ends by itself and
/// commands throw ``ThreadProxyError/notRunning``). Stop the proxy before
/// calling ``Context/term()`` on its context: the handle's control socket
/// belongs to that context and keeps `term()` waiting until the proxy is
/// stopped or the handle is released.
public final class ThreadProxy: Sendable {
  private enum Phase {
    case idle, running, stopped
  }

  private struct State {
    var phase: Phase = .idle
    var controller: ProxyController?
    var thread: NativeThread?
  }

  /// The context of the proxy's sockets.
  public let context: Context
  /// The socket facing clients.
  public let frontend: SocketDescription
  /// The socket facing services.
  public let backend: SocketDescription
  /// The socket that receives a copy of every message, if any.
  public let capture: SocketDescription?
  /// How long a command waits for the proxy, in milliseconds.
  private let timeoutMilliseconds: Int32

  private let state = Mutex(State())
  /// How the proxy's thread ended; set once, when it does.
  private let outcome = OneShot<Result<ProxyExit, any Error>>()

  /// Describes a proxy; nothing runs until ``start()``.
  ///
  /// - Parameters:
  ///   - context: the context the sockets are made in.
  ///   - frontend: the socket facing clients.
  ///   - backend: the socket facing services.
  ///   - capture: a socket that can send, to get a copy of every message
  ///     passed on; `nil` for none.
  ///   - timeout: how long a command or a statistics request waits for the
  ///     proxy before throwing ``ZMQError/eagain``; five seconds unless
  ///     given, `nil` for no limit (as is a negative duration, or one
  ///     longer than `Int32.max` milliseconds).
  public init(
    context: Context, frontend: SocketDescription, backend: SocketDescription, capture: SocketDescription? = nil,
    timeout: Duration? = .seconds(5)
  ) {
    self.context = context
    self.frontend = frontend
    self.backend = backend
    self.capture = capture
    self.timeoutMilliseconds = (try? Duration.zmqMilliseconds(timeout)) ?? -1
  }

  deinit {
    _ = try? stop()
  }

  /// Whether the proxy's thread is running: started, not stopped, and not
  /// ended by its context.
  public var isRunning: Bool {
    state.withLock { $0.phase == .running } && outcome.current == nil
  }

  /// Starts the proxy's thread, which makes the sockets (configure, bind,
  /// connect) and runs the proxy. Returns once the sockets are set up.
  ///
  /// - Throws: the first error of making a socket (the thread has ended
  ///   then, and the proxy counts as stopped), ``ThreadProxyError/alreadyStarted``
  ///   when called again, and the errors of making the control socket.
  public func start() throws {
    try state.withLock { (state) throws in
      guard state.phase == .idle else { throw ThreadProxyError.alreadyStarted }
      let controller = try ProxyController(context: context, timeout: timeoutMilliseconds)
      let ready = OneShot<Result<Void, any Error>>()
      let context = context, frontend = frontend, backend = backend, capture = capture
      let endpoint = controller.endpoint
      let outcome = outcome
      let thread = try SystemCalls.startThread(name: "zmq-proxy") {
        let result: Result<ProxyExit, any Error>
        do {
          let frontendSocket = try frontend.make(in: context)
          let backendSocket = try backend.make(in: context)
          let captureSocket = try capture?.make(in: context)
          let control = try context.socket(.pair)
          try control.set(.linger, 0)
          try control.connect(endpoint)
          ready.set(.success(()))
          result = Result {
            try ZMQ.proxySteerable(
              frontend: frontendSocket, backend: backendSocket, capture: captureSocket, control: control)
          }
        } catch {
          ready.set(.failure(error))
          result = .failure(error)
        }
        outcome.set(result)
      }
      state.controller = controller
      state.thread = thread
      state.phase = .running
      if case .failure(let error) = ready.wait() {
        thread.join()
        state.controller = nil  // closes the control socket
        state.phase = .stopped
        throw error
      }
    }
  }

  /// Runs `body` with the controller of a running proxy.
  private func withController<R: Sendable>(_ body: (ProxyController) throws -> R) throws -> R {
    try state.withLock { (state) throws -> R in
      guard state.phase == .running, let controller = state.controller, outcome.current == nil else {
        throw ThreadProxyError.notRunning
      }
      return try body(controller)
    }
  }

  /// Stops passing messages on; they wait in the sockets' queues until
  /// ``resume()``. When this returns, the proxy has paused: the command is
  /// followed by a statistics request, which the proxy answers only after
  /// it has taken the command.
  ///
  /// - Throws: ``ThreadProxyError/notRunning``, and ``ZMQError/eagain``
  ///   when the proxy did not take the command within the timeout.
  public func pause() throws {
    try withController { (controller) throws in
      try controller.pause()
      _ = try controller.statistics()
    }
  }

  /// Passes messages on again after ``pause()``; when this returns, the
  /// proxy has resumed.
  public func resume() throws {
    try withController { (controller) throws in
      try controller.resume()
      _ = try controller.statistics()
    }
  }

  /// The messages and bytes the proxy's frontend and backend have received
  /// and sent so far. A multipart message counts as one message; its bytes
  /// are those of all its parts.
  ///
  /// - Throws: ``ThreadProxyError/notRunning``, ``ZMQError/eagain`` when
  ///   the proxy did not answer within the timeout, and the errors of
  ///   ``ProxyController/statistics()``.
  public func statistics() throws -> ProxyStatistics { try withController { try $0.statistics() } }

  /// Ends the proxy and waits for its thread. The proxy's sockets are
  /// dropped on its thread. Calling it again, or on a proxy that was never
  /// started, does nothing more.
  ///
  /// - Returns: how the proxy ended (``ProxyExit/terminated`` after this
  ///   call, ``ProxyExit/contextTerminated`` when its context ended it
  ///   first), or `nil` when it was never started.
  /// - Throws: an error the proxy itself ended with.
  @discardableResult
  public func stop() throws -> ProxyExit? {
    try state.withLock { (state) throws -> ProxyExit? in
      switch state.phase {
      case .idle:
        state.phase = .stopped
        return nil
      case .stopped:
        break
      case .running:
        if outcome.current == nil {
          // A proxy that has ended on its own (its context was shut down)
          // no longer reads commands; the thread ends by itself.
          try? state.controller?.terminate()
        }
        state.thread?.join()
        state.thread = nil
        state.controller = nil  // closes the control socket
        state.phase = .stopped
      }
      return try outcome.current?.get()
    }
  }
}

/// A value handed from one thread to another once.
final class OneShot<Value: Sendable>: Sendable {
  private let value = Mutex<Value?>(nil)
  private let signal = DispatchSemaphore(value: 0)

  func set(_ newValue: Value) {
    value.withLock { $0 = newValue }
    signal.signal()
  }

  /// The value, `nil` until it was set.
  var current: Value? { value.withLock { $0 } }

  func wait() -> Value {
    signal.wait()
    return value.withLock { $0! }
  }
}
