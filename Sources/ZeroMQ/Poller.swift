internal import CZeroMQ

/// One readiness report from a ``Poller``: which socket, the user data it
/// was registered with, and the events that are ready.
public struct PollerEvent {
  /// The registered socket that is ready — the same object that was given
  /// to ``Poller/add(_:events:userData:)`` (compare with `===`).
  public let socket: Socket
  /// The value given as `userData` when the socket was added.
  public let userData: Any?
  /// The events that are ready: a subset of the events the socket was
  /// registered for (`.pollIn`: a message can be received without blocking;
  /// `.pollOut`: one can be sent without blocking).
  public let events: PollEvents
}

/// Waits until one or more sockets are ready to receive or send.
///
/// libzmq's own `zmq_poller_*` API is still a draft (and not exported by
/// most distributions' builds), so this poller is built on the stable
/// `zmq_poll` with a persistent item array. ``wait(timeout:)`` reports one
/// ready socket per call and starts the next search after it, so a socket
/// that is always ready cannot starve the others.
///
/// ```swift
/// let poller = Poller()
/// try poller.add(pull, events: .pollIn, userData: "producers")
/// if let event = try poller.wait(timeout: 1000) {
///   let text = try event.socket.recvString()
/// }
/// ```
///
/// A socket that is closed while registered is dropped from the poller
/// before the next poll and never reported. The poller holds its sockets and
/// their user data strongly until they are removed. Like its sockets, a
/// poller must be used by one thread at a time.
///
/// The methods are those of the poller of the JavaScript `zmq` module the
/// API was modelled on: `add`, `modify`, `remove`, `wait`, `poll`,
/// `wait_all` (``waitAll(_:timeout:)``) and `poll_all` (``pollAll(_:)``).
public final class Poller {
  /// A registered socket; kept in step with `items` (same index).
  private struct Member {
    let socket: Socket
    let userData: Any?
  }

  private var members: [Member] = []
  /// The array handed to `zmq_poll`, kept between calls.
  private var items: [zmq_pollitem_t] = []
  /// Where the next search for a ready item starts.
  private var next = 0

  /// Creates an empty poller.
  public init() {}

  /// The number of sockets registered (closed sockets are not counted).
  public var size: Int {
    dropClosed()
    return members.count
  }

  /// Forgets the sockets that were closed since the last call, so that no
  /// freed libzmq socket ever reaches `zmq_poll`.
  private func dropClosed() {
    var index = 0
    while index < members.count {
      if members[index].socket.isClosed {
        members.remove(at: index)
        items.remove(at: index)
        if next > index { next -= 1 }
      } else {
        index += 1
      }
    }
    if next >= members.count { next = 0 }
  }

  /// The live registered sockets, in order (for the async poller).
  var liveSockets: [Socket] {
    dropClosed()
    return members.map(\.socket)
  }

  /// The index of a registered socket; `ENOTSOCK` for a closed socket,
  /// `EINVAL` for one that is not registered.
  private func index(of socket: Socket) throws(ZMQError) -> Int {
    dropClosed()
    guard !socket.isClosed else { throw .enotsock }
    guard let index = members.firstIndex(where: { $0.socket === socket }) else { throw .einval }
    return index
  }

  /// Registers a socket for the given events.
  ///
  /// - Parameters:
  ///   - socket: the socket to watch.
  ///   - events: what to wait for: `.pollIn`, `.pollOut` or both.
  ///   - userData: any value, handed back in every ``PollerEvent`` for this
  ///     socket; held until the socket is removed.
  /// - Throws: ``ZMQError/einval`` when the socket is already registered,
  ///   ``ZMQError/enotsock`` when it is closed.
  public func add(_ socket: Socket, events: PollEvents, userData: Any? = nil) throws {
    dropClosed()
    let pointer = try socket.handle.pointer()
    guard !members.contains(where: { $0.socket === socket }) else { throw ZMQError.einval }
    members.append(Member(socket: socket, userData: userData))
    items.append(zmq_pollitem_t(socket: pointer, fd: 0, events: events.rawValue, revents: 0))
  }

  /// Changes the events a registered socket is watched for; its user data
  /// stays.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is not registered,
  ///   ``ZMQError/enotsock`` when it is closed.
  public func modify(_ socket: Socket, events: PollEvents) throws {
    let index = try index(of: socket)
    items[index].events = events.rawValue
  }

  /// Unregisters a socket and releases its user data.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is not registered,
  ///   ``ZMQError/enotsock`` when it is closed (closed sockets are dropped
  ///   automatically).
  public func remove(_ socket: Socket) throws {
    let index = try index(of: socket)
    members.remove(at: index)
    items.remove(at: index)
    if next > index { next -= 1 }
    if next >= members.count { next = 0 }
  }

  /// Waits up to `timeout` milliseconds for a registered socket to become
  /// ready and reports one of them.
  ///
  /// - Parameter timeout: milliseconds; `0` returns at once, `-1` waits
  ///   without limit.
  /// - Returns: one ready socket, or `nil` when none became ready in time.
  ///   The next call starts its search after the socket reported.
  /// - Throws: ``ZMQError/eterm`` when a socket's context was shut down
  ///   (also waking a waiting call), ``ZMQError/efault`` when asked to wait
  ///   forever with no socket registered.
  public func wait(timeout: Int) throws -> PollerEvent? {
    guard try pollItems(timeout: timeout) > 0 else { return nil }
    let count = items.count
    for step in 0..<count {
      let index = (next + step) % count
      let ready = items[index].revents
      if ready != 0 {
        next = (index + 1) % count
        return event(at: index, ready)
      }
    }
    return nil
  }

  /// Reports one socket that is ready now, without waiting
  /// (`wait(timeout: 0)`).
  public func poll() throws -> PollerEvent? {
    try wait(timeout: 0)
  }

  /// Waits up to `timeout` milliseconds for registered sockets to become
  /// ready and reports up to `maximum` of them.
  ///
  /// - Parameters:
  ///   - maximum: the most events to return.
  ///   - timeout: milliseconds; `0` returns at once, `-1` waits without
  ///     limit.
  /// - Returns: the ready sockets, an empty array when none became ready in
  ///   time.
  /// - Throws: ``ZMQError/einval`` for a negative `maximum`, and the errors
  ///   of ``wait(timeout:)``.
  public func waitAll(_ maximum: Int, timeout: Int) throws -> [PollerEvent] {
    guard maximum >= 0 else { throw ZMQError.einval }
    guard maximum > 0, try pollItems(timeout: timeout) > 0 else { return [] }
    var events: [PollerEvent] = []
    let count = items.count
    for step in 0..<count where events.count < maximum {
      let index = (next + step) % count
      let ready = items[index].revents
      if ready != 0 {
        events.append(event(at: index, ready))
        if events.count == maximum { next = (index + 1) % count }
      }
    }
    return events
  }

  /// Reports up to `maximum` sockets that are ready now, without waiting
  /// (`waitAll(maximum, timeout: 0)`).
  public func pollAll(_ maximum: Int) throws -> [PollerEvent] {
    try waitAll(maximum, timeout: 0)
  }

  private func event(at index: Int, _ ready: Int16) -> PollerEvent {
    PollerEvent(socket: members[index].socket, userData: members[index].userData, events: PollEvents(rawValue: ready))
  }

  /// Runs `zmq_poll` over the live items and returns how many are ready.
  /// A signal does not cut the wait short: the call is resumed with the
  /// time that is left.
  private func pollItems(timeout: Int) throws(ZMQError) -> Int {
    dropClosed()
    if items.isEmpty && timeout < 0 { throw .efault }
    let deadline = timeout > 0 ? ContinuousClock.now + .milliseconds(timeout) : nil
    var remaining = timeout
    while true {
      let result = items.withUnsafeMutableBufferPointer { items in
        zmq_poll(items.baseAddress, Int32(items.count), remaining)
      }
      if result >= 0 { return Int(result) }
      let error = ZMQError.current
      guard error == .eintr else { throw error }
      if let deadline { remaining = Int((deadline - .now).clampedMilliseconds) }
    }
  }
}

/// Pollers, like the sockets they hold, are confined to one thread at a time.
@available(*, unavailable, message: "a Poller must be used by one thread at a time")
extension Poller: Sendable {}
