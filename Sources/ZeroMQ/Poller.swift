internal import CZeroMQ

/// Waits until one or more sockets or file descriptors are ready to receive
/// or send.
///
/// ``wait(timeout:)`` reports one ready socket or descriptor per call and
/// starts the next search after it, so one that is always ready cannot
/// starve the others. Sockets and descriptors share one registration order.
///
/// ```swift
/// let poller = Poller()
/// try poller.add(pull, events: .pollIn, userData: "producers")
/// if let event = try poller.wait(timeout: 1000) {
///   let text = try event.socket.recvString()
/// }
/// ```
///
/// Besides sockets, a poller watches raw file descriptors (a pipe, a
/// terminal, a socket of another library) with
/// ``add(fileDescriptor:events:userData:)``; their events come from the
/// same calls, with ``PollerEvent/fileDescriptor`` set and
/// ``PollerEvent/socket`` `nil`. The poller never reads, writes or closes a
/// descriptor: that stays with the caller, who removes it before closing
/// it (a descriptor closed while registered is reported with `.pollErr`).
///
/// A socket that is closed while registered is dropped from the poller
/// before the next poll and never reported. The poller holds its sockets and
/// their user data strongly until they are removed. Like its sockets, a
/// poller must be used by one thread at a time.
///
/// The poller runs on libzmq's `zmq_poll` with a persistent item array; a
/// binding generated in draft mode from a header that declares libzmq's
/// `zmq_poller_*` (``ZMQ/Available/poller``) runs it on those instead, with
/// the same behaviour, and can then also watch a ``ThreadSafeSocket``
/// (``add(threadSafeSocket:events:userData:)``).
///
/// The methods are those of the poller of the JavaScript `zmq` module the
/// API was modelled on: `add`, `modify`, `remove`, `wait`, `poll`,
/// `wait_all` (``waitAll(_:timeout:)``) and `poll_all` (``pollAll(_:)``).
public final class Poller {
  /// A registered socket or descriptor, in registration order.
  struct Member {
    let source: PollerEvent.Source
    let userData: Any?
    var events: PollEvents

    /// Whether the member is a socket that was closed since it was added.
    var isClosed: Bool {
      switch source {
      case .socket(let socket): return socket.isClosed
      case .threadSafeSocket(let socket): return socket.isClosed
      case .fileDescriptor: return false
      }
    }

    func isThreadSafeSocket(_ other: ThreadSafeSocket) -> Bool {
      if case .threadSafeSocket(let socket) = source { return socket === other }
      return false
    }

    func isSocket(_ other: Socket) -> Bool {
      if case .socket(let socket) = source { return socket === other }
      return false
    }

    func isDescriptor(_ fd: Int32) -> Bool {
      if case .fileDescriptor(let descriptor) = source { return descriptor == fd }
      return false
    }
  }

  private(set) var members: [Member] = []
  /// The array handed to `zmq_poll`, kept between calls, in step with
  /// `members` (same index). Unused with `zmq_poller`.
  var items: [zmq_pollitem_t] = []
  /// The events of each member found by the last wait, with `zmq_poller`.
  var ready: [Int16] = []
  /// Where the next search for a ready member starts.
  private var next = 0

  /// Creates an empty poller.
  public init() {}

  /// The number of sockets and file descriptors registered (closed sockets
  /// are not counted).
  public var size: Int {
    dropClosed()
    return members.count
  }

  /// Forgets the sockets that were closed since the last call, so that no
  /// freed libzmq socket ever reaches `zmq_poll`.
  func dropClosed() {
    var index = members.count - 1
    while index >= 0 {
      if members[index].isClosed { removeMember(at: index) }
      index -= 1
    }
  }

  private func removeMember(at index: Int) {
    members.remove(at: index)
    items.remove(at: index)
    if next > index { next -= 1 }
    if next >= members.count { next = 0 }
  }

  /// The index of a registered socket; `ENOTSOCK` for a closed socket,
  /// `EINVAL` for one that is not registered.
  private func index(of socket: Socket) throws(ZMQError) -> Int {
    dropClosed()
    guard !socket.isClosed else { throw .enotsock }
    guard let index = members.firstIndex(where: { $0.isSocket(socket) }) else { throw .einval }
    return index
  }

  /// The index of a registered descriptor; `EINVAL` for one that is not
  /// registered.
  private func index(ofDescriptor fd: Int32) throws -> Int {
    try Self.checkDescriptor(fd)
    dropClosed()
    guard let index = members.firstIndex(where: { $0.isDescriptor(fd) }) else { throw ZMQError.einval }
    return index
  }

  private static func checkDescriptor(_ fd: Int32) throws(PollerError) {
    guard fd >= 0 else { throw .negativeFileDescriptor(fd) }
  }

  // MARK: Sockets

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
    guard !members.contains(where: { $0.isSocket(socket) }) else { throw ZMQError.einval }
    members.append(Member(source: .socket(socket), userData: userData, events: events))
    items.append(zmq_pollitem_t(socket: pointer, fd: 0, events: events.rawValue, revents: 0))
  }

  /// Changes the events a registered socket is watched for; its user data
  /// stays.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is not registered,
  ///   ``ZMQError/enotsock`` when it is closed.
  public func modify(_ socket: Socket, events: PollEvents) throws {
    let index = try index(of: socket)
    members[index].events = events
    items[index].events = events.rawValue
  }

  /// Unregisters a socket and releases its user data.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is not registered,
  ///   ``ZMQError/enotsock`` when it is closed (closed sockets are dropped
  ///   automatically).
  public func remove(_ socket: Socket) throws {
    removeMember(at: try index(of: socket))
  }

  // MARK: Thread-safe sockets

  /// The index of a registered thread-safe socket; `ENOTSOCK` for a closed
  /// one, `EINVAL` for one that is not registered.
  private func index(of socket: ThreadSafeSocket) throws(ZMQError) -> Int {
    dropClosed()
    guard !socket.isClosed else { throw .enotsock }
    guard let index = members.firstIndex(where: { $0.isThreadSafeSocket(socket) }) else { throw .einval }
    return index
  }

  /// Registers a thread-safe socket (CLIENT, SERVER, RADIO, DISH, …) for
  /// the given events. Only a poller on libzmq's `zmq_poller` can wait on
  /// these sockets (``ZMQ/Available/poller``: a binding generated in draft
  /// mode); their events come with ``PollerEvent/threadSafeSocket`` set.
  ///
  /// The poller holds the socket until it is removed; one closed while
  /// registered, from any thread, is dropped before the next wait.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is already registered,
  ///   ``ZMQError/enotsock`` when it is closed, and, in a binding without
  ///   `zmq_poller`, ``ZMQError/enotsup`` naming `zmq_poller_add`.
  public func add(threadSafeSocket socket: ThreadSafeSocket, events: PollEvents, userData: Any? = nil) throws {
    guard ZMQ.Available.poller else { throw ZMQError(unavailable: "zmq_poller_add") }
    dropClosed()
    guard !socket.isClosed else { throw ZMQError.enotsock }
    guard !members.contains(where: { $0.isThreadSafeSocket(socket) }) else { throw ZMQError.einval }
    members.append(Member(source: .threadSafeSocket(socket), userData: userData, events: events))
    // No item: `zmq_poll` is not used in this configuration.
    items.append(zmq_pollitem_t(socket: nil, fd: -1, events: 0, revents: 0))
  }

  /// Changes the events a registered thread-safe socket is watched for;
  /// its user data stays.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is not registered,
  ///   ``ZMQError/enotsock`` when it is closed.
  public func modify(threadSafeSocket socket: ThreadSafeSocket, events: PollEvents) throws {
    let index = try index(of: socket)
    members[index].events = events
  }

  /// Unregisters a thread-safe socket and releases it and its user data.
  ///
  /// - Throws: ``ZMQError/einval`` when the socket is not registered,
  ///   ``ZMQError/enotsock`` when it is closed.
  public func remove(threadSafeSocket socket: ThreadSafeSocket) throws {
    removeMember(at: try index(of: socket))
  }

  // MARK: File descriptors

  /// Registers a file descriptor for the given events, as pyzmq's
  /// `poller.register(fd, flags)` does.
  ///
  /// The descriptor's events are reported by the same calls as the
  /// sockets', in registration order with them, with
  /// ``PollerEvent/fileDescriptor`` set. The poller does not take the
  /// descriptor over: it never reads, writes or closes it.
  ///
  /// - Parameters:
  ///   - fileDescriptor: an open descriptor.
  ///   - events: what to wait for: `.pollIn` (readable), `.pollOut`
  ///     (writable), `.pollPri` (urgent data), or several. `.pollErr` is
  ///     reported whatever is asked for.
  ///   - userData: any value, handed back in every ``PollerEvent`` for this
  ///     descriptor; held until the descriptor is removed.
  /// - Throws: ``PollerError/negativeFileDescriptor(_:)`` for a negative
  ///   number, ``ZMQError/einval`` when the descriptor is already
  ///   registered.
  public func add(fileDescriptor: Int32, events: PollEvents, userData: Any? = nil) throws {
    try Self.checkDescriptor(fileDescriptor)
    dropClosed()
    guard !members.contains(where: { $0.isDescriptor(fileDescriptor) }) else { throw ZMQError.einval }
    members.append(Member(source: .fileDescriptor(fileDescriptor), userData: userData, events: events))
    items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: events.rawValue, revents: 0))
  }

  /// Changes the events a registered file descriptor is watched for; its
  /// user data stays.
  ///
  /// - Throws: ``PollerError/negativeFileDescriptor(_:)`` for a negative
  ///   number, ``ZMQError/einval`` when the descriptor is not registered.
  public func modify(fileDescriptor: Int32, events: PollEvents) throws {
    let index = try index(ofDescriptor: fileDescriptor)
    members[index].events = events
    items[index].events = events.rawValue
  }

  /// Unregisters a file descriptor and releases its user data. Remove a
  /// descriptor before closing it: the poller cannot tell that a number
  /// was closed, or reused by a later `open`.
  ///
  /// - Throws: ``PollerError/negativeFileDescriptor(_:)`` for a negative
  ///   number, ``ZMQError/einval`` when the descriptor is not registered.
  public func remove(fileDescriptor: Int32) throws {
    removeMember(at: try index(ofDescriptor: fileDescriptor))
  }

  // MARK: Waiting

  /// Waits up to `timeout` milliseconds for a registered socket or
  /// descriptor to become ready and reports one of them.
  ///
  /// - Parameter timeout: milliseconds; `0` returns at once, `-1` waits
  ///   without limit.
  /// - Returns: one ready socket or descriptor, or `nil` when none became
  ///   ready in time. The next call starts its search after the one
  ///   reported.
  /// - Throws: ``ZMQError/eterm`` when a socket's context was shut down
  ///   (also waking a waiting call), ``ZMQError/efault`` when asked to wait
  ///   forever with nothing registered.
  public func wait(timeout: Int) throws -> PollerEvent? {
    guard try pollMembers(timeout: timeout) > 0 else { return nil }
    let count = members.count
    for step in 0..<count {
      let index = (next + step) % count
      let ready = readyEvents(at: index)
      if ready != 0 {
        next = (index + 1) % count
        return event(at: index, ready)
      }
    }
    return nil
  }

  /// Reports one socket or descriptor that is ready now, without waiting
  /// (`wait(timeout: 0)`).
  public func poll() throws -> PollerEvent? {
    try wait(timeout: 0)
  }

  /// Waits up to `timeout` milliseconds for registered sockets or
  /// descriptors to become ready and reports up to `maximum` of them.
  ///
  /// - Parameters:
  ///   - maximum: the most events to return.
  ///   - timeout: milliseconds; `0` returns at once, `-1` waits without
  ///     limit.
  /// - Returns: the ready sockets and descriptors, an empty array when none
  ///   became ready in time.
  /// - Throws: ``ZMQError/einval`` for a negative `maximum`, and the errors
  ///   of ``wait(timeout:)``.
  public func waitAll(_ maximum: Int, timeout: Int) throws -> [PollerEvent] {
    guard maximum >= 0 else { throw ZMQError.einval }
    guard maximum > 0, try pollMembers(timeout: timeout) > 0 else { return [] }
    var events: [PollerEvent] = []
    let count = members.count
    for step in 0..<count where events.count < maximum {
      let index = (next + step) % count
      let ready = readyEvents(at: index)
      if ready != 0 {
        events.append(event(at: index, ready))
        if events.count == maximum { next = (index + 1) % count }
      }
    }
    return events
  }

  /// Reports up to `maximum` sockets or descriptors that are ready now,
  /// without waiting (`waitAll(maximum, timeout: 0)`).
  public func pollAll(_ maximum: Int) throws -> [PollerEvent] {
    try waitAll(maximum, timeout: 0)
  }

  private func event(at index: Int, _ ready: Int16) -> PollerEvent {
    PollerEvent(source: members[index].source, userData: members[index].userData, events: PollEvents(rawValue: ready))
  }

  /// Polls the live members and returns how many are ready; afterwards
  /// `readyEvents(at:)` tells what each one is ready for.
  private func pollMembers(timeout: Int) throws(ZMQError) -> Int {
    dropClosed()
    if members.isEmpty && timeout < 0 { throw .efault }
    return ZMQ.Available.poller ? try pollWithZMQPoller(timeout: timeout) : try pollItems(timeout: timeout)
  }

  /// The events member `index` was found ready for by the last poll.
  private func readyEvents(at index: Int) -> Int16 {
    ZMQ.Available.poller ? ready[index] : items[index].revents
  }
}

/// Pollers, like the sockets they hold, are confined to one thread at a time.
@available(*, unavailable, message: "a Poller must be used by one thread at a time")
extension Poller: Sendable {}
