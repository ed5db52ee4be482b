internal import CZeroMQ

// The poller on libzmq's `zmq_poller_*`, used instead of `zmq_poll` when
// the binding was generated in draft mode from a header that declares it
// (`ZMQ.Available.poller`). It can also wait on thread-safe sockets, which
// `zmq_poll` cannot.
//
// libzmq's poller reads every registered socket on each call — removing
// one and destroying the poller included — so it must never hold a socket
// that was closed (and may have been freed), and a `Socket` can be closed
// at any time. So a libzmq poller is built for each wait from the members
// that are live at that moment and destroyed before the wait returns: the
// same work `zmq_poll` does on every call (it too reads each socket's
// descriptor), with no closed socket ever reaching libzmq. A
// `ThreadSafeSocket` member is held by the poller, and its libzmq socket is
// only closed when the last reference goes, so its pointer stays valid
// even when another thread calls `close()` on it.

extension Poller {
  /// Polls the members with a libzmq poller built for this call; returns
  /// how many are ready and stores their events in `ready`.
  func pollWithZMQPoller(timeout: Int) throws(ZMQError) -> Int {
    guard let poller = try CShim.zmq_poller_new() else { throw ZMQError.current }
    defer {
      var destroyed: UnsafeMutableRawPointer? = poller
      _ = try? CShim.zmq_poller_destroy(&destroyed)
    }
    ready.removeAll(keepingCapacity: true)
    ready.append(contentsOf: repeatElement(0, count: members.count))
    for (index, member) in members.enumerated() {
      // The user data libzmq hands back: the member's index, plus one so
      // that it is never null.
      let tag = UnsafeMutableRawPointer(bitPattern: index + 1)
      let events = member.events.rawValue
      let result: Int32
      switch member.source {
      case .socket(let socket):
        let pointer = try socket.handle.pointer()
        try checkContextIsUp(pointer)
        result = try CShim.zmq_poller_add(poller, pointer, tag, events)
      case .threadSafeSocket(let socket):
        result = try CShim.zmq_poller_add(poller, UnsafeMutableRawPointer(bitPattern: socket.bits), tag, events)
      case .fileDescriptor(let fd):
        result = try CShim.zmq_poller_add_fd(poller, fd, tag, events)
      }
      guard result == 0 else { throw ZMQError.current }
    }
    let capacity = max(members.count, 1)
    let stride = MemoryLayout<swiftzmq_poller_event>.stride
    let buffer = UnsafeMutableRawPointer.allocate(
      byteCount: stride * capacity, alignment: MemoryLayout<swiftzmq_poller_event>.alignment)
    defer { buffer.deallocate() }
    let count = try resumingAfterSignals(timeout: timeout) { (remaining) throws(ZMQError) -> Int32 in
      let count = try CShim.zmq_poller_wait_all(poller, buffer, Int32(capacity), remaining)
      // libzmq's poller reports a wait that timed out as EAGAIN.
      return count < 0 && ZMQError.current == .eagain ? 0 : count
    }
    for slot in 0..<count {
      let event = buffer.load(fromByteOffset: slot * stride, as: swiftzmq_poller_event.self)
      let index = Int(bitPattern: event.user_data) - 1
      if ready.indices.contains(index) { ready[index] = event.events }
    }
    return count
  }

  /// Throws ``ZMQError/eterm`` when the socket's context was shut down.
  ///
  /// libzmq's poller reads each socket's `ZMQ_FD` when it starts waiting and
  /// aborts the process if that fails — which it does once the socket has
  /// taken in that its context was shut down. A socket only takes that in
  /// while a call on it processes its commands on this thread, as asking
  /// for `ZMQ_EVENTS` does: so once this check passed, the poller's read
  /// cannot fail.
  private func checkContextIsUp(_ socket: UnsafeMutableRawPointer) throws(ZMQError) {
    var events: Int32 = 0
    var size = MemoryLayout<Int32>.size
    try CallFunnel.check(zmq_getsockopt(socket, ZMQ_EVENTS, &events, &size))
  }
}
