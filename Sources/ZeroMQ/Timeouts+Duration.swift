// `Duration` forms of the millisecond timeouts of the monitor and the proxy
// controller. The millisecond forms stay; these convert and call them.

extension SocketMonitor {
  /// Waits for the next event and returns it, as `next(timeout:)` with
  /// milliseconds does.
  ///
  /// - Parameter timeout: how long to wait at most; `nil` waits until an
  ///   event arrives, `.zero` only takes one that is already queued.
  ///   Sub-millisecond parts are rounded up.
  /// - Throws: ``ZMQError/einval`` for a negative timeout, and the errors
  ///   of the millisecond form.
  // Left out of the generated reference while the reference's links to
  // the millisecond form carry no disambiguation; see PollingAndTimeouts.md.
  @_documentation(visibility: internal)
  public func next(timeout: Duration?) throws -> MonitorEvent? {
    try next(timeout: try Duration.zmqMilliseconds(timeout))
  }
}

extension ProxyController {
  /// Creates a controller with a PAIR socket bound to `endpoint`, as the
  /// initializer with a millisecond timeout does.
  ///
  /// - Parameters:
  ///   - context: the context of the proxy's sockets (for `inproc://`).
  ///   - endpoint: where to bind; `nil` (the default) picks a unique
  ///     `inproc://` name.
  ///   - timeout: how long a command or a statistics request may wait for
  ///     the proxy; `nil` waits without limit.
  public convenience init(context: Context, endpoint: String? = nil, timeout: Duration?) throws {
    try self.init(context: context, endpoint: endpoint, timeout: try Duration.zmqMilliseconds(timeout))
  }
}
