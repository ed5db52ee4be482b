internal import CZeroMQ

extension Poller {
  /// Suspends the task — not blocking a thread — until at least one
  /// registered socket is ready for the events it was added with, and
  /// returns every ready one.
  ///
  /// ```swift
  /// for event in try await poller.pollAsync(timeout: .seconds(2)) {
  ///   print(try event.socket.recvString(flags: .dontWait) ?? "")
  /// }
  /// ```
  ///
  /// The wait is polled by the event loop the caller runs on, else by the
  /// first registered socket's ``Socket/eventLoop``. Between wake-ups the
  /// sockets are checked with a non-blocking poll on the caller's executor.
  ///
  /// - Parameter timeout: how long to wait at most; `nil` (the default)
  ///   waits as long as it takes, `.zero` only looks.
  /// - Returns: the ready sockets with their events; empty when the timeout
  ///   passed first.
  /// - Throws: `CancellationError` when the task is cancelled (at once, also
  ///   while waiting); ``ZMQError/efault`` when asked to wait without a
  ///   timeout and no socket is registered; ``ZMQEventLoopError/shutDown``;
  ///   and the errors of ``wait(timeout:)``.
  nonisolated(nonsending)
    public func pollAsync(timeout: Duration? = nil) async throws -> [PollerEvent]
  {
    let deadline = timeout.map { ContinuousClock.now + $0 }
    var descriptors: [Int32] = []
    while true {
      try Task.checkCancellation()
      let sockets = liveSockets
      // zmq_poll reads ZMQ_EVENTS of every socket, which re-arms their
      // descriptors before the wait below starts: nothing can be missed.
      let ready = try waitAll(sockets.count, timeout: 0)
      if !ready.isEmpty { return ready }
      if let deadline, deadline <= .now { return [] }
      if sockets.isEmpty && deadline == nil { throw ZMQError.efault }
      descriptors.removeAll(keepingCapacity: true)
      for socket in sockets {
        descriptors.append(try socket.getOption(ZMQ_FD, as: Int32.self))
      }
      let loop = ZMQEventLoop.current ?? sockets.first?.eventLoop ?? .shared
      let polled: WaitDescriptors = descriptors.count == 1 ? .one(descriptors[0]) : .many(descriptors)
      switch await loop.wait(handle: nil, descriptors: polled, wanted: ZMQ_POLLIN | ZMQ_POLLOUT, deadline: deadline) {
      case .readable, .notified, .closed, .timedOut:
        continue
      case .cancelled:
        throw CancellationError()
      case .shutDown:
        throw ZMQEventLoopError.shutDown
      }
    }
  }
}
