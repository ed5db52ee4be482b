internal import CZeroMQ

extension Poller {
  /// Suspends the task — not blocking a thread — until at least one
  /// registered socket or file descriptor is ready for the events it was
  /// added with, and returns every ready one.
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
  /// File descriptors are waited for when registered for `.pollIn` (errors
  /// and hang-ups wake the wait too); the event loop does not watch
  /// descriptors for writability, so one registered for `.pollOut` makes
  /// the call throw rather than sleep through it.
  ///
  /// - Parameter timeout: how long to wait at most; `nil` (the default)
  ///   waits as long as it takes, `.zero` only looks.
  /// - Returns: the ready sockets with their events; empty when the timeout
  ///   passed first.
  /// - Throws: `CancellationError` when the task is cancelled (at once, also
  ///   while waiting); ``ZMQError/efault`` when asked to wait without a
  ///   timeout and nothing is registered;
  ///   ``PollerError/writabilityNotAwaitable(fileDescriptor:)`` when a file
  ///   descriptor is registered for `.pollOut`;
  ///   ``PollerError/threadSafeSocketNotAwaitable`` when a thread-safe socket
  ///   is registered; ``ZMQEventLoopError/shutDown``;
  ///   and the errors of ``wait(timeout:)``.
  nonisolated(nonsending)
    public func pollAsync(timeout: Duration? = nil) async throws -> [PollerEvent]
  {
    let deadline = timeout.map { ContinuousClock.now + $0 }
    var descriptors: [Int32] = []
    while true {
      try Task.checkCancellation()
      dropClosed()
      let count = members.count
      // The loop polls descriptors for readability (and reports errors and
      // hang-ups); it would sleep through one turning writable.
      for member in members {
        switch member.source {
        case .fileDescriptor(let fd) where member.events.contains(.pollOut):
          throw PollerError.writabilityNotAwaitable(fileDescriptor: fd)
        case .threadSafeSocket:
          throw PollerError.threadSafeSocketNotAwaitable
        default:
          break
        }
      }
      // zmq_poll reads ZMQ_EVENTS of every socket, which re-arms their
      // descriptors before the wait below starts: nothing can be missed.
      let ready = try waitAll(count, timeout: 0)
      if !ready.isEmpty { return ready }
      if let deadline, deadline <= .now { return [] }
      if count == 0 && deadline == nil { throw ZMQError.efault }
      descriptors.removeAll(keepingCapacity: true)
      var firstSocket: Socket?
      for member in members {
        switch member.source {
        case .socket(let socket):
          firstSocket = firstSocket ?? socket
          descriptors.append(try socket.getOption(ZMQ_FD, as: Int32.self))
        case .fileDescriptor(let fd):
          descriptors.append(fd)
        case .threadSafeSocket:
          throw PollerError.threadSafeSocketNotAwaitable
        }
      }
      let loop = ZMQEventLoop.current ?? firstSocket?.eventLoop ?? .shared
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
