internal import CZeroMQ

extension Socket {
  /// Waits until this socket is ready for any of `events` and returns the
  /// events it is ready for, without a ``Poller`` (`zmq_poll` on one socket).
  ///
  /// ```swift
  /// if try socket.poll(.pollIn, timeout: .milliseconds(2500)).contains(.pollIn) {
  ///   let reply = try socket.recvString()
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - events: what to wait for; `.pollIn` (a message can be received)
  ///     unless said otherwise. `.pollOut` waits until a message can be
  ///     sent without blocking.
  ///   - timeout: how long to wait at most; `nil` (the default) waits
  ///     without limit and `.zero` only looks. Sub-millisecond parts are
  ///     rounded up to the next millisecond.
  /// - Returns: the events the socket is ready for, `[]` when none became
  ///   ready in time.
  /// - Throws: ``ZMQError/enotsock`` after `close()`, ``ZMQError/eterm``
  ///   once the context is shut down (also waking a waiting call),
  ///   ``ZMQError/einval`` for a negative timeout or one longer than
  ///   `Int32.max` milliseconds.
  public func poll(_ events: PollEvents = .pollIn, timeout: Duration? = nil) throws -> PollEvents {
    let milliseconds = try Duration.zmqMilliseconds(timeout)
    let pointer = try handle.pointer()
    var item = zmq_pollitem_t(socket: pointer, fd: 0, events: events.rawValue, revents: 0)
    let deadline = milliseconds > 0 ? ContinuousClock.now + .milliseconds(milliseconds) : nil
    var remaining = Int(milliseconds)
    while true {
      let result = zmq_poll(&item, 1, remaining)
      if result >= 0 { return result == 0 ? [] : PollEvents(rawValue: item.revents) }
      let error = ZMQError.current
      guard error == .eintr else { throw error }
      // A signal cut the wait short: go on with the time that is left.
      if let deadline {
        let left = deadline - ContinuousClock.now
        remaining = left <= .zero ? 0 : Int(left.clampedMilliseconds)
      }
    }
  }
}

extension Poller {
  /// Waits until at least one registered socket is ready and reports every
  /// ready socket, as pyzmq's `dict(poller.poll())` does: there is no count
  /// to choose.
  ///
  /// - Parameter timeout: how long to wait at most; `nil` (the default)
  ///   waits without limit, `.zero` only looks.
  /// - Returns: one event per ready socket, in registration order starting
  ///   after the socket reported last; empty when none became ready in
  ///   time.
  /// - Throws: ``ZMQError/efault`` when asked to wait without limit while
  ///   no socket is registered (nothing could ever wake it), and the errors
  ///   of `wait(timeout:)`.
  public func waitAll(timeout: Duration? = nil) throws -> [PollerEvent] {
    let milliseconds = try Duration.zmqMilliseconds(timeout)
    if size == 0 {
      if timeout == nil { throw ZMQError.efault }
      return []
    }
    return try waitAll(size, timeout: Int(milliseconds))
  }

  /// Waits for a registered socket to become ready and reports one of
  /// them, as `wait(timeout:)` (milliseconds) does with milliseconds.
  ///
  /// - Parameter timeout: how long to wait at most; `nil` waits without
  ///   limit, `.zero` only looks. Sub-millisecond parts are rounded up.
  /// - Returns: one ready socket, or `nil` when none became ready in time.
  /// - Throws: ``ZMQError/einval`` for a negative timeout, and the errors
  ///   of `wait(timeout:)` (milliseconds).
  // Left out of the generated reference while the reference's links to
  // the millisecond form carry no disambiguation; see PollingAndTimeouts.md.
  @_documentation(visibility: internal)
  public func wait(timeout: Duration?) throws -> PollerEvent? {
    try wait(timeout: Int(try Duration.zmqMilliseconds(timeout)))
  }

  /// Waits for registered sockets to become ready and reports up to
  /// `maximum` of them, as `waitAll(_:timeout:)` (milliseconds) does with
  /// milliseconds; `nil` waits without limit.
  // Left out of the generated reference while the reference's links to
  // the millisecond form carry no disambiguation; see PollingAndTimeouts.md.
  @_documentation(visibility: internal)
  public func waitAll(_ maximum: Int, timeout: Duration?) throws -> [PollerEvent] {
    try waitAll(maximum, timeout: Int(try Duration.zmqMilliseconds(timeout)))
  }
}
