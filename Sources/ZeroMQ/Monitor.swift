import Synchronization
internal import CZeroMQ

// MARK: - Events

/// A monitor message that could not be decoded (see
/// ``MonitorEvent/decode(first:second:)``).
public enum MonitorEventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The first frame does not have the 6 bytes of a 16-bit event code and a
  /// 32-bit value; the associated value is the size it had.
  case wrongFirstFrameSize(Int)
  /// The event code is zero: no event at all.
  case noEvent
  /// The event code has several event bits set; a monitor message reports
  /// exactly one.
  case multipleEvents(UInt16)
  /// The event code is a single bit that this build's `MonitorEvents` does
  /// not know.
  case unknownEvent(UInt16)
  /// The endpoint frame is not valid UTF-8.
  case endpointNotUTF8
  /// The message had one frame only: the endpoint frame is missing.
  case missingEndpointFrame
  /// The message had more than two frames; the associated value is how many
  /// extra frames were read and discarded.
  case extraFrames(Int)

  /// Says what was wrong, e.g. "monitor event: the first frame has 5
  /// bytes, expected 6 (a 16-bit event and a 32-bit value)".
  public var description: String {
    switch self {
    case .wrongFirstFrameSize(let size):
      "monitor event: the first frame has \(size) byte\(size == 1 ? "" : "s"), expected 6 (a 16-bit event and a 32-bit value)"
    case .noEvent:
      "monitor event: the event code is 0"
    case .multipleEvents(let code):
      "monitor event: the event code 0x\(String(code, radix: 16)) has more than one event bit set"
    case .unknownEvent(let code):
      "monitor event: unknown event code 0x\(String(code, radix: 16))"
    case .endpointNotUTF8:
      "monitor event: the endpoint frame is not valid UTF-8"
    case .missingEndpointFrame:
      "monitor event: the message has no endpoint frame"
    case .extraFrames(let count):
      "monitor event: the message has \(count) unexpected frame\(count == 1 ? "" : "s") after the endpoint"
    }
  }
}

/// One event reported by a socket monitor (``Socket/monitor(events:)``):
/// what happened, a value whose meaning depends on the event, and the
/// endpoint it happened on.
///
/// | ``event`` | ``value`` |
/// | --- | --- |
/// | `.connected`, `.listening`, `.accepted`, `.closed`, `.disconnected` | the file descriptor of the connection or listener |
/// | `.connectDelayed`, `.bindFailed`, `.acceptFailed`, `.closeFailed`, `.handshakeFailedNoDetail` | an `errno` code (see ``error``) |
/// | `.connectRetried` | the time until the next attempt, in milliseconds |
/// | `.handshakeFailedProtocol` | a `ZMQ.PROTOCOL_ERROR_*` code |
/// | `.handshakeFailedAuth` | the ZAP status code the authenticator answered (e.g. 400) |
/// | `.handshakeSucceeded`, `.monitorStopped` | `0` |
public struct MonitorEvent: Hashable, Sendable, CustomStringConvertible {
  /// What happened: exactly one of the ``MonitorEvents`` flags.
  public let event: MonitorEvents
  /// The event's value; see the table above for what it means.
  public let value: Int32
  /// The endpoint the event concerns, e.g. `tcp://127.0.0.1:5555` (empty
  /// for `.monitorStopped`).
  public let endpoint: String

  /// Makes an event from its parts.
  public init(event: MonitorEvents, value: Int32, endpoint: String) {
    self.event = event
    self.value = value
    self.endpoint = endpoint
  }

  /// The size of a monitor message's first frame.
  static let firstFrameSize = 6

  /// The error the value stands for, for the events whose value is an
  /// `errno` code (`.connectDelayed`, `.bindFailed`, `.acceptFailed`,
  /// `.closeFailed`, `.handshakeFailedNoDetail`); `nil` for the others.
  public var error: ZMQError? {
    let withErrno: MonitorEvents = [
      .connectDelayed, .bindFailed, .acceptFailed, .closeFailed, .handshakeFailedNoDetail,
    ]
    return withErrno.contains(event) ? ZMQError(code: value) : nil
  }

  /// The event's Swift name, e.g. `"handshakeSucceeded"`.
  public var name: String {
    MonitorEvents.allNamed.first { $0.value == event }?.name ?? "0x" + String(event.rawValue, radix: 16)
  }

  /// The event, its endpoint and its value, e.g.
  /// `accepted tcp://127.0.0.1:5555 (fd 12)` or
  /// `bindFailed tcp://127.0.0.1:5555 (error EADDRINUSE)`.
  public var description: String {
    var text = name
    if !endpoint.isEmpty { text += " " + endpoint }
    switch event {
    case .connected, .listening, .accepted, .closed, .disconnected:
      text += " (fd \(value))"
    case .connectRetried:
      text += " (retry in \(value) ms)"
    case .handshakeFailedProtocol:
      text += " (protocol error 0x\(String(UInt32(bitPattern: value), radix: 16)))"
    case .handshakeFailedAuth:
      text += " (ZAP status \(value))"
    case .handshakeSucceeded, .monitorStopped:
      break
    default:
      if let error { text += " (error \(error.name ?? String(error.code)))" } else { text += " (value \(value))" }
    }
    return text
  }

  /// The decoder proper, over raw bytes.
  static func decode(
    _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer
  ) throws(MonitorEventDecodingError) -> MonitorEvent {
    guard first.count == firstFrameSize else { throw .wrongFirstFrameSize(first.count) }
    let code = first.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
    let value = first.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
    guard code != 0 else { throw .noEvent }
    guard code & (code - 1) == 0 else { throw .multipleEvents(code) }
    let event = MonitorEvents(rawValue: Int32(code))
    guard MonitorEvents.allNamed.contains(where: { $0.value == event }) else { throw .unknownEvent(code) }
    guard let endpoint = String(validating: second, as: UTF8.self) else { throw .endpointNotUTF8 }
    return MonitorEvent(event: event, value: Int32(bitPattern: value), endpoint: endpoint)
  }
}

// MARK: - The monitor

/// Receives the events of a monitored socket: connections made, accepted,
/// lost and retried, listeners opened and closed, handshakes that succeeded
/// or failed. Made by ``Socket/monitor(events:)``.
///
/// Read events one at a time with ``next(timeout:)``, or iterate ``events``
/// in async code:
///
/// ```swift
/// let monitor = try socket.monitor(events: [.accepted, .disconnected])
/// while let event = try monitor.next(timeout: 1000) {
///   print(event)
/// }
/// ```
///
/// The monitor is independent of the socket it watches: it can be used on
/// another thread or task (``Socket/monitor(events:)`` returns it as a
/// `sending` value). It is not `Sendable` itself, so one thread or task at a
/// time uses it.
///
/// Ending a monitor: ``Socket/stopMonitor()`` on the watched socket (or
/// closing that socket) makes libzmq send a final `.monitorStopped` event,
/// after which the monitor reports nothing more. ``close()`` — or simply
/// dropping the monitor — releases the monitor's own socket; when libzmq has
/// not stopped the monitor yet, the events still coming are read and
/// discarded in the background until it does, so that libzmq is never left
/// blocked on events that nobody reads. Events that are not read are kept
/// without limit (the monitor's receive high-water mark is off), for the
/// same reason.
///
/// The monitor holds a socket of the watched socket's context. Like any
/// socket, it must be closed (or dropped) before ``Context/term()`` can
/// finish — unless it has already reported `.monitorStopped` or
/// ``ZMQError/eterm``, after which it releases its socket by itself.
/// ``Context/destroy(linger:)`` closes it along with the others.
public final class SocketMonitor {
  /// The private inproc endpoint libzmq publishes the events on.
  public let endpoint: String
  /// The events this monitor reports, as asked for.
  public let watched: MonitorEvents
  /// The PAIR socket connected to `endpoint`; always has libzmq's
  /// `MONITOR_STOPPED` in its subscription so the monitor knows when it ends.
  let socket: Socket
  /// libzmq reported `MONITOR_STOPPED`: nothing more will arrive.
  private var stopped = false
  /// The context was shut down.
  private var terminated = false
  /// ``close()`` was called.
  private var closed = false

  init(socket: Socket, endpoint: String, watched: MonitorEvents) {
    self.socket = socket
    self.endpoint = endpoint
    self.watched = watched
  }

  deinit {
    close()
  }

  /// Whether the monitor has ended: libzmq reported `.monitorStopped`
  /// (after ``Socket/stopMonitor()``, the watched socket's closing, another
  /// ``Socket/monitor(events:)`` on the same socket, or its context's
  /// shutdown), or ``close()`` was called.
  public var isStopped: Bool { stopped || terminated || closed || socket.isClosed }

  /// Releases the monitor's socket once nothing more can come from it
  /// (after `MONITOR_STOPPED` or `ETERM`), so that the monitor never holds
  /// up ``Context/term()``, even when it is kept around.
  private func release() {
    socket.handle.close(linger: 0)
    socket.context.unregister(socket.handle)
  }

  /// Notes a failure of the monitor's socket; after `ETERM` the socket is
  /// released at once.
  private func failed(_ error: any Error) {
    if let error = error as? ZMQError, error == .eterm, !terminated {
      terminated = true
      release()
    }
  }

  /// Receives one event: the next whole monitor message, decoded; `nil`
  /// when `.dontWait` was given and none is queued.
  func receiveEvent(dontWait: Bool) throws -> MonitorEvent? {
    let pointer = try socket.handle.pointer()
    return try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 2) { storage -> MonitorEvent? in
      let first = storage.baseAddress!
      let second = first + 1
      zmq_msg_init(first)  // cannot fail
      zmq_msg_init(second)
      defer {
        zmq_msg_close(first)
        zmq_msg_close(second)
      }
      let received = try CallFunnel.nonBlocking(dontWait: dontWait) {
        zmq_msg_recv(first, pointer, dontWait ? ZMQ_DONTWAIT : 0)
      }
      guard received != nil else { return nil }
      guard zmq_msg_more(first) != 0 else { throw MonitorEventDecodingError.missingEndpointFrame }
      // The parts of a message arrive together: this never waits.
      try CallFunnel.blocking { zmq_msg_recv(second, pointer, 0) }
      if zmq_msg_more(second) != 0 {
        var extra = 0
        repeat {
          try CallFunnel.blocking { zmq_msg_recv(second, pointer, 0) }
          extra += 1
        } while zmq_msg_more(second) != 0
        throw MonitorEventDecodingError.extraFrames(extra)
      }
      let event = try MonitorEvent.decode(
        UnsafeRawBufferPointer(start: zmq_msg_data(first), count: zmq_msg_size(first)),
        UnsafeRawBufferPointer(start: zmq_msg_data(second), count: zmq_msg_size(second)))
      if event.event == .monitorStopped {
        stopped = true
        release()
      }
      return event
    }
  }

  /// Waits for the next event and returns it.
  ///
  /// - Parameter timeout: how long to wait, in milliseconds: `-1` (the
  ///   default) waits until an event arrives, `0` only takes one that is
  ///   already queued.
  /// - Returns: the event; `nil` when the time ran out, or when the monitor
  ///   has stopped (after its `.monitorStopped` event was returned, nothing
  ///   more arrives, so this returns `nil` at once instead of waiting).
  /// - Throws: ``MonitorEventDecodingError`` for a malformed message (it is
  ///   consumed; the next call reads the next one), ``ZMQError/enotsock``
  ///   after ``close()``, ``ZMQError/eterm`` when the context is shut down
  ///   (also while waiting, and on every later call).
  public func next(timeout: Int32 = -1) throws -> MonitorEvent? {
    if closed { throw ZMQError.enotsock }
    if stopped { return nil }
    if terminated { throw ZMQError.eterm }
    do {
      return try waitForEvent(timeout: timeout)
    } catch {
      failed(error)
      throw error
    }
  }

  private func waitForEvent(timeout: Int32) throws -> MonitorEvent? {
    let pointer = try socket.handle.pointer()
    let deadline: ContinuousClock.Instant? = timeout < 0 ? nil : .now + .milliseconds(timeout)
    while !stopped {
      if let event = try receiveEvent(dontWait: true) {
        if watched.contains(event.event) { return event }
        continue
      }
      var remaining: Int { deadline.map { Int((($0 - .now).clampedMilliseconds)) } ?? -1 }
      if remaining == 0 { return nil }
      var item = zmq_pollitem_t(socket: pointer, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
      // Restarted after a signal with the time that is left.
      let ready = try CallFunnel.blocking { zmq_poll(&item, 1, remaining) }
      if ready == 0 { return nil }
    }
    return nil
  }

  /// The monitor's events as an `AsyncSequence`. It waits without blocking
  /// a thread, yields the events in ``watched``, and ends after
  /// `.monitorStopped` (which it yields when watched), or when the monitor
  /// is closed or its context shut down. Cancelling the iterating task
  /// throws `CancellationError` without losing an event.
  ///
  /// ```swift
  /// for try await event in monitor.events {
  ///   print(event)
  /// }
  /// ```
  public var events: Events { Events(monitor: self) }

  /// Releases the monitor's socket. Calling it again does nothing; later
  /// calls to ``next(timeout:)`` throw ``ZMQError/enotsock`` and iterations
  /// of ``events`` end.
  ///
  /// When libzmq is still monitoring (the watched socket is open and
  /// ``Socket/stopMonitor()`` was not called), the monitor's socket is
  /// handed to a background helper that reads and discards the remaining
  /// events until libzmq stops the monitor or the context ends: libzmq
  /// waits for somebody to take each event, and must never wait forever.
  public func close() {
    closed = true
    if stopped || terminated {
      release()
    } else if let pointer = socket.handle.take() {
      AbandonedMonitor.adopt(pointer)
    }
    socket.context.unregister(socket.handle)
  }

  /// The events of a ``SocketMonitor`` as an `AsyncSequence`.
  public struct Events: AsyncSequence {
    /// Each element is one decoded event.
    public typealias Element = MonitorEvent
    /// The sequence throws receive and decoding errors (and
    /// `CancellationError`).
    public typealias Failure = any Error

    let monitor: SocketMonitor

    /// Makes an iterator over the monitor's events.
    public func makeAsyncIterator() -> Iterator { Iterator(monitor: monitor) }

    /// Receives the monitor's events one at a time.
    public struct Iterator: AsyncIteratorProtocol {
      let monitor: SocketMonitor

      /// The next event, or `nil` once the monitor has stopped or was
      /// closed, or its context was shut down. Runs on the caller's
      /// executor.
      nonisolated(nonsending)
        public mutating func next() async throws -> MonitorEvent?
      {
        let monitor = self.monitor
        while !monitor.stopped && !monitor.terminated && !monitor.closed {
          let event: MonitorEvent
          do {
            event = try await monitor.socket.untilReady(.receive) { try monitor.receiveEvent(dontWait: true) }
          } catch let error as ZMQError where error == .enotsock || error == .eterm {
            monitor.failed(error)
            return nil
          }
          if monitor.watched.contains(event.event) { return event }
        }
        return nil
      }

      /// The next event; `for try await` calls this form, on `actor`'s
      /// executor.
      public mutating func next(isolation actor: isolated (any Actor)?) async throws -> MonitorEvent? {
        try await next()
      }
    }
  }
}

/// Monitors are used by one thread or task at a time.
@available(*, unavailable, message: "a socket monitor must be used by one thread or task at a time")
extension SocketMonitor: Sendable {}

extension Socket {
  /// Numbers the private endpoints of monitors.
  private static let monitorCounter = Atomic<UInt64>(0)

  /// Starts reporting this socket's connection events (`zmq_socket_monitor`)
  /// and returns the monitor that receives them.
  ///
  /// ```swift
  /// let monitor = try server.monitor(events: [.listening, .accepted])
  /// try server.bind("tcp://127.0.0.1:*")
  /// if let event = try monitor.next(timeout: 1000) { print(event) }
  /// ```
  ///
  /// libzmq publishes the events on a private inproc endpoint; the monitor's
  /// PAIR socket is connected to it before the first event can happen. A
  /// socket has one monitor at a time: monitoring it again stops the
  /// previous monitor (which then reports `.monitorStopped`).
  ///
  /// - Parameter events: the events to report; all of them by default.
  /// - Returns: the monitor, free to be used on another thread or task.
  /// - Throws: ``ZMQError/enotsock`` when this socket is closed,
  ///   ``ZMQError/eterm`` when its context is shut down,
  ///   ``ZMQError/einval`` for event bits libzmq does not know,
  ///   ``ZMQError/enotsup`` for an event this libzmq's header lacks (e.g.
  ///   `.handshakeSucceeded` before 4.3; ``ZMQError/unavailable`` names it).
  public func monitor(events: MonitorEvents = .all) throws -> sending SocketMonitor {
    let pointer = try handle.pointer()
    // Events this libzmq's header lacks are placeholders (Generated/Availability.swift).
    for (member, macro) in MonitorEvents.unavailableMembers where events.contains(member) {
      throw ZMQError(unavailable: macro)
    }
    let number = Self.monitorCounter.add(1, ordering: .relaxed).newValue
    let endpoint = "inproc://swift-zeromq.monitor.\(number)"
    let pair = try context.socket(.pair)
    do {
      // libzmq sends each event with a blocking send: it must always find
      // a connected peer with room (see `SocketMonitor`).
      try pair.set(.rcvhwm, 0)
      try pair.set(.linger, 0)
      try pair.connect(endpoint)
      try CallFunnel.check(zmq_socket_monitor(pointer, endpoint, events.rawValue | ZMQ_EVENT_MONITOR_STOPPED))
    } catch {
      pair.handle.close(linger: 0)
      context.unregister(pair.handle)
      throw error
    }
    return SocketMonitor(socket: pair, endpoint: endpoint, watched: events)
  }

  /// Stops the monitor started by ``monitor(events:)``
  /// (`zmq_socket_monitor` with no endpoint). The monitor receives a final
  /// `.monitorStopped` event. Does nothing when no monitor is running.
  ///
  /// - Throws: ``ZMQError/enotsock`` when this socket is closed,
  ///   ``ZMQError/eterm`` when its context is shut down.
  public func stopMonitor() throws {
    let pointer = try livePointer()
    try CallFunnel.check(zmq_socket_monitor(pointer, nil, 0))
  }
}
